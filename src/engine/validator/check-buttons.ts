import { checkOptionId } from './check-option-id';
import { checkTemplate } from './check-template';
import { childPath, show } from './json-path';
import { isRecord } from './json-guards';
import { characterCount } from './message-summary';
import { WHATSAPP_LIMITS } from '../limits/message-limits';
import type { ScanContext } from './scan-context';

/**
 * Checks the buttons of one message: each `{id, title}` with a unique, non-empty id and
 * title. Over WhatsApp's limits (more than 3 buttons, a title over 20 characters) is a
 * warning: the channel adapts the message. `seenIds` collects ids across the whole message.
 * Returns the ids.
 */
export function checkButtons(
  value: unknown,
  path: string,
  ctx: ScanContext,
  seenIds: Map<string, string>,
): string[] {
  const ids: string[] = [];
  if (!Array.isArray(value)) {
    ctx.issues.error(
      path,
      `"buttons" must be a list of {"id", "title"} objects, not ${show(value)}.`,
    );
    return ids;
  }
  if (value.length === 0) ctx.issues.error(path, 'A buttons message needs at least one button.');
  const { maxButtons, maxListRows } = WHATSAPP_LIMITS;
  if (value.length > maxButtons) {
    const shown = value.length <= maxListRows ? 'a list' : 'numbered text';
    ctx.issues.warn(
      path,
      `This message has ${value.length} buttons; WhatsApp allows ${maxButtons}, so it will show them as ${shown}.`,
    );
  }
  value.forEach((button, index) => {
    const buttonPath = childPath(path, index);
    if (typeof button === 'string') {
      // A plain string is a button whose id and title are both that string.
      const id = checkOptionId(button, buttonPath, ctx, seenIds);
      if (id !== null) ids.push(id);
      checkTitle(button, buttonPath, ctx);
      return;
    }
    if (!isRecord(button) || (button.id === undefined && button.title === undefined)) {
      ctx.issues.error(
        buttonPath,
        `A button must be {"id", "title"} (or a plain string), not ${show(button)}.`,
      );
      return;
    }
    // Either field alone stands for both.
    const idPath = childPath(buttonPath, button.id === undefined ? 'title' : 'id');
    const id = checkOptionId(button.id ?? button.title, idPath, ctx, seenIds);
    if (id !== null) ids.push(id);
    // The engine renders ids as templates too (to match a pressed button). With one field
    // standing for both, the title check below covers it.
    if (button.title !== undefined && typeof button.id === 'string')
      checkTemplate(button.id, idPath, ctx);
    const titlePath = childPath(buttonPath, button.title === undefined ? 'id' : 'title');
    checkTitle(button.title ?? button.id, titlePath, ctx);
    for (const key of Object.keys(button)) {
      if (key !== 'id' && key !== 'title')
        ctx.issues.warn(
          childPath(buttonPath, key),
          `Unknown field "${key}" in a button is ignored.`,
        );
    }
  });
  return ids;
}

function checkTitle(title: unknown, path: string, ctx: ScanContext): void {
  if (typeof title !== 'string' || title.trim() === '') {
    ctx.issues.error(path, `A button needs a non-empty string "title" (found ${show(title)}).`);
    return;
  }
  checkTemplate(title, path, ctx);
  warnOverLength(title, WHATSAPP_LIMITS.buttonTitle, 'Button title', path, ctx);
}

/**
 * A text over a WhatsApp length limit: a warning (WhatsApp will show it shortened with an
 * ellipsis). Templated texts are judged when rendered, not here.
 */
export function warnOverLength(
  text: string,
  limit: number,
  what: string,
  path: string,
  ctx: ScanContext,
): void {
  if (text.includes('{{')) return;
  const count = characterCount(text);
  if (count > limit) {
    ctx.issues.warn(
      path,
      `${what} ${show(text)} has ${count} characters; WhatsApp allows ${limit}, so it will be shortened with an ellipsis.`,
    );
  }
}
