import { checkOptionId } from './check-option-id';
import { checkTemplate } from './check-template';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';

export const MAX_LIST_ROWS = 10;

/**
 * Checks the list part of a message (`button_text`, `sections` with `rows`): at most 10
 * rows across sections, unique ids, every text a template. Returns the row ids.
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
      checkText(section.title, childPath(sectionPath, 'title'), 'A section title', ctx);
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
      const id = checkOptionId(row.id, childPath(rowPath, 'id'), ctx, seenIds);
      if (id !== null) ids.push(id);
      checkText(row.title, childPath(rowPath, 'title'), 'A list row title', ctx);
      if (row.description !== undefined)
        checkText(row.description, childPath(rowPath, 'description'), 'A row description', ctx);
    });
  });
  if (rowCount === 0) ctx.issues.error(sectionsPath, 'A list needs at least one row.');
  if (rowCount > MAX_LIST_ROWS) {
    ctx.issues.error(
      sectionsPath,
      `A list can have at most ${MAX_LIST_ROWS} rows across its sections; this one has ${rowCount}.`,
    );
  }
  return ids;
}

function checkText(value: unknown, path: string, what: string, ctx: ScanContext): void {
  if (typeof value !== 'string') {
    ctx.issues.error(path, `${what} must be a string, not ${show(value)}.`);
    return;
  }
  checkTemplate(value, path, ctx);
}
