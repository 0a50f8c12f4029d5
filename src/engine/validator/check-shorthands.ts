import { checkButtons } from './check-buttons';
import { checkList } from './check-list';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/**
 * The `buttons` and `list` shorthands of a state, or of a SEND_MESSAGE action (the engine
 * applies them there too): they attach to the last text message of its `message`.
 */
export function checkShorthands(
  owner: JsonObject,
  path: string,
  ctx: ScanContext,
  offered: MessageSummary,
): void {
  const hasButtons = owner.buttons !== undefined;
  const hasList = owner.list !== undefined;
  if (hasButtons && hasList) {
    ctx.issues.error(
      childPath(path, 'list'),
      'Use the "buttons" shorthand or the "list" shorthand, not both: they attach to one message.',
    );
  }
  if ((hasButtons || hasList) && !offered.hasText) {
    const field = hasButtons ? 'buttons' : 'list';
    ctx.issues.warn(
      childPath(path, field),
      `"${field}" attaches to the last text message of "message", but there is none; it is sent with empty text.`,
    );
  }
  if (hasButtons) {
    offered.optionIds.push(
      ...checkButtons(owner.buttons, childPath(path, 'buttons'), ctx, new Map()),
    );
  }
  if (hasList) {
    const listPath = childPath(path, 'list');
    if (!isRecord(owner.list)) {
      ctx.issues.error(
        listPath,
        `"list" must be an object {"button_text", "sections"}, not ${show(owner.list)}.`,
      );
    } else {
      offered.optionIds.push(...checkList(owner.list, listPath, ctx, new Map()));
      warnUnknownFields(owner.list, ['button_text', 'sections'], listPath, 'list', ctx.issues);
    }
  }
}
