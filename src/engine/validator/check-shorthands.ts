import { checkButtons } from './check-buttons';
import { checkList } from './check-list';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/**
 * The `buttons` and `list` shorthands of a state or a SEND_MESSAGE action: they attach to the
 * last text message of its `message`.
 */
export function checkShorthands(
  state: JsonObject,
  path: string,
  ctx: ScanContext,
  offered: MessageSummary,
  owner: 'state' | 'SEND_MESSAGE action' = 'state',
): void {
  const hasButtons = state.buttons !== undefined;
  const hasList = state.list !== undefined;
  if (hasButtons && hasList) {
    ctx.issues.error(
      childPath(path, 'list'),
      `A ${owner} can use the "buttons" shorthand or the "list" shorthand, not both.`,
    );
  }
  if ((hasButtons || hasList) && !offered.hasText) {
    const field = hasButtons ? 'buttons' : 'list';
    ctx.issues.warn(
      childPath(path, field),
      `"${field}" attaches to the ${owner}'s last text message, but this ${owner}'s "message" has no text; it is sent with empty text.`,
    );
  }
  if (hasButtons) {
    offered.optionIds.push(
      ...checkButtons(state.buttons, childPath(path, 'buttons'), ctx, new Map()),
    );
  }
  if (hasList) {
    const listPath = childPath(path, 'list');
    if (!isRecord(state.list)) {
      ctx.issues.error(
        listPath,
        `"list" must be an object {"button_text", "sections"}, not ${show(state.list)}.`,
      );
    } else {
      offered.optionIds.push(...checkList(state.list, listPath, ctx, new Map()));
      warnUnknownFields(state.list, ['button_text', 'sections'], listPath, 'list', ctx.issues);
    }
  }
}
