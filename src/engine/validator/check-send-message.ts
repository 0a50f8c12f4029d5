import { checkMessage } from './check-message';
import { checkShorthands } from './check-shorthands';
import { childPath } from './json-path';
import type { JsonObject } from './json-guards';
import type { MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/**
 * SEND_MESSAGE: `{"type": "SEND_MESSAGE", "message": <same forms as state.message>}`, with the
 * state's `buttons`/`list` shorthands, which the engine applies here too.
 */
export function checkSendMessage(
  action: JsonObject,
  path: string,
  ctx: ScanContext,
): MessageSummary | null {
  warnUnknownFields(
    action,
    ['type', 'message', 'buttons', 'list'],
    path,
    'a SEND_MESSAGE action',
    ctx.issues,
  );
  if (action.message === undefined) {
    ctx.issues.error(childPath(path, 'message'), 'A SEND_MESSAGE action needs a "message".');
    return null;
  }
  const summary = checkMessage(action.message, childPath(path, 'message'), ctx);
  checkShorthands(action, path, ctx, summary);
  return summary;
}
