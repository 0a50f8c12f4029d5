import { checkOptionId } from './check-option-id';
import { checkTemplate } from './check-template';
import { childPath, show } from './json-path';
import { isRecord } from './json-guards';
import { characterCount } from './message-summary';
import type { ScanContext } from './scan-context';

export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;

/**
 * Checks the buttons of one message: at most 3, each `{id, title}` with a unique id and a
 * title of at most 20 characters. `seenIds` collects ids across the whole message.
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
  if (value.length > MAX_BUTTONS) {
    ctx.issues.error(
      path,
      `A message can have at most ${MAX_BUTTONS} buttons; this one has ${value.length}. Use a list for more options.`,
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
  if (!title.includes('{{') && characterCount(title) > MAX_BUTTON_TITLE) {
    ctx.issues.error(
      path,
      `Button title ${show(title)} has ${characterCount(title)} characters; the limit is ${MAX_BUTTON_TITLE}.`,
    );
  }
}
