import { checkOptionId } from './check-option-id';
import { checkTemplate } from './check-template';
import { checkTemplatesDeep } from './check-templates-deep';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import { WHATSAPP_LIMITS } from '../limits/message-limits';
import { warnOverLength } from './check-buttons';
import type { ScanContext } from './scan-context';

/**
 * Checks the list part of a message (`button_text`, `sections` with `rows`): at least one
 * row, unique ids, every text a template. Over WhatsApp's limits (more than 10 rows, long
 * titles) is a warning: the channel adapts the message. Returns the row ids.
 */
export function checkList(
  list: JsonObject,
  path: string,
  ctx: ScanContext,
  seenIds: Map<string, string>,
): string[] {
  const ids: string[] = [];
  const buttonTextPath = childPath(path, 'button_text');
  if (list.button_text !== undefined) {
    if (typeof list.button_text !== 'string' || list.button_text.trim() === '') {
      ctx.issues.error(
        buttonTextPath,
        `"button_text" must be a non-empty string (found ${show(list.button_text)}).`,
      );
    } else {
      checkTemplate(list.button_text, buttonTextPath, ctx);
      warnOverLength(
        list.button_text,
        WHATSAPP_LIMITS.listButtonText,
        'List button text',
        buttonTextPath,
        ctx,
      );
    }
  }
  const sectionsPath = childPath(path, 'sections');
  const sections = list.sections;
  if (!Array.isArray(sections)) {
    ctx.issues.error(
      sectionsPath,
      `A list needs "sections", a list of {"title", "rows"}, not ${show(sections)}.`,
    );
    return ids;
  }
  let rowCount = 0;
  sections.forEach((section, sectionIndex) => {
    const sectionPath = childPath(sectionsPath, sectionIndex);
    if (!isRecord(section)) {
      ctx.issues.error(
        sectionPath,
        `A list section must be an object {"title", "rows"}, not ${show(section)}.`,
      );
      return;
    }
    if (section.title !== undefined)
      checkText(
        section.title,
        childPath(sectionPath, 'title'),
        'A section title',
        WHATSAPP_LIMITS.sectionTitle,
        ctx,
      );
    checkOtherFields(section, ['title', 'rows'], sectionPath, ctx);
    const rowsPath = childPath(sectionPath, 'rows');
    if (!Array.isArray(section.rows)) {
      ctx.issues.error(
        rowsPath,
        `A list section needs "rows", a list of {"id", "title"}, not ${show(section.rows)}.`,
      );
      return;
    }
    section.rows.forEach((row, rowIndex) => {
      const rowPath = childPath(rowsPath, rowIndex);
      rowCount++;
      if (!isRecord(row)) {
        ctx.issues.error(
          rowPath,
          `A list row must be an object {"id", "title", "description"}, not ${show(row)}.`,
        );
        return;
      }
      const idPath = childPath(rowPath, 'id');
      const id = checkOptionId(row.id, idPath, ctx, seenIds);
      if (id !== null) ids.push(id);
      // The engine renders row ids as templates too (to match a chosen row).
      if (typeof row.id === 'string') checkTemplate(row.id, idPath, ctx);
      checkText(
        row.title,
        childPath(rowPath, 'title'),
        'A list row title',
        WHATSAPP_LIMITS.rowTitle,
        ctx,
      );
      if (row.description !== undefined)
        checkText(
          row.description,
          childPath(rowPath, 'description'),
          'A row description',
          WHATSAPP_LIMITS.rowDescription,
          ctx,
        );
      checkOtherFields(row, ['id', 'title', 'description'], rowPath, ctx);
    });
  });
  if (rowCount === 0) ctx.issues.error(sectionsPath, 'A list needs at least one row.');
  if (rowCount > WHATSAPP_LIMITS.maxListRows) {
    ctx.issues.warn(
      sectionsPath,
      `This list has ${rowCount} rows across its sections; WhatsApp allows ${WHATSAPP_LIMITS.maxListRows}, so it will show them as numbered text.`,
    );
  }
  return ids;
}

function checkText(
  value: unknown,
  path: string,
  what: string,
  limit: number,
  ctx: ScanContext,
): void {
  if (typeof value !== 'string') {
    ctx.issues.error(path, `${what} must be a string, not ${show(value)}.`);
    return;
  }
  checkTemplate(value, path, ctx);
  warnOverLength(value, limit, what, path, ctx);
}

/**
 * Sections and rows are sent as written, other fields included, and every string in them is
 * rendered as a template: those must compile as well.
 */
function checkOtherFields(
  value: JsonObject,
  known: readonly string[],
  path: string,
  ctx: ScanContext,
): void {
  for (const [key, field] of Object.entries(value)) {
    if (!known.includes(key)) checkTemplatesDeep(field, childPath(path, key), ctx);
  }
}
