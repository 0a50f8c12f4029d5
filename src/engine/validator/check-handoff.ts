import { checkTemplate } from './check-template';
import { childPath, show } from './json-path';
import type { JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/** HANDOFF: `{"type": "HANDOFF", "reason"?: "<template>"}`; send messages first with SEND_MESSAGE. */
export function checkHandoff(action: JsonObject, path: string, ctx: ScanContext): void {
  warnUnknownFields(action, ['type', 'reason'], path, 'a HANDOFF action', ctx.issues);
  if (action.reason !== undefined) {
    const reasonPath = childPath(path, 'reason');
    if (typeof action.reason === 'string') checkTemplate(action.reason, reasonPath, ctx);
    else ctx.issues.error(reasonPath, `"reason" must be a string, not ${show(action.reason)}.`);
  }
}
