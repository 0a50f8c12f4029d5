import { checkCondition } from './check-condition';
import { checkTarget } from './check-target';
import { childPath } from './json-path';
import type { JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/**
 * CONDITION: `{"type": "CONDITION", "if": <condition>, "then": "a", "else": "b"}`.
 * Returns true when it always routes away (both branches set).
 */
export function checkConditionAction(action: JsonObject, path: string, ctx: ScanContext): boolean {
  warnUnknownFields(action, ['type', 'if', 'then', 'else'], path, 'a CONDITION action', ctx.issues);
  if (action.if === undefined)
    ctx.issues.error(childPath(path, 'if'), 'A CONDITION action needs "if", a condition.');
  else checkCondition(action.if, childPath(path, 'if'), ctx);
  const hasThen = action.then !== undefined;
  const hasElse = action.else !== undefined;
  if (hasThen) checkTarget(action.then, childPath(path, 'then'), 'CONDITION "then" target', ctx);
  if (hasElse) checkTarget(action.else, childPath(path, 'else'), 'CONDITION "else" target', ctx);
  if (!hasThen && !hasElse) {
    // The engine refuses it (it would do nothing): an error here, with this path.
    ctx.issues.error(
      path,
      'A CONDITION action needs "then" or "else" (or both); with neither it does nothing.',
    );
  }
  return hasThen && hasElse;
}
