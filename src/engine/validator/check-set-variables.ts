import { checkTemplatesDeep } from './check-templates-deep';
import { checkVariablePath } from './check-variable-path';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/** SET_VARIABLES: `{"type": "SET_VARIABLES", "set": {"name": <template or JSON value>}}`. */
export function checkSetVariables(
  action: JsonObject,
  path: string,
  ctx: ScanContext,
  order: number,
): void {
  warnUnknownFields(action, ['type', 'set'], path, 'a SET_VARIABLES action', ctx.issues);
  const setPath = childPath(path, 'set');
  const set = action.set;
  if (!isRecord(set)) {
    ctx.issues.error(
      setPath,
      `A SET_VARIABLES action needs "set", an object of variable name to value (found ${show(set)}).`,
    );
    return;
  }
  if (Object.keys(set).length === 0)
    ctx.issues.warn(setPath, 'This SET_VARIABLES action sets nothing.');
  for (const [key, value] of Object.entries(set)) {
    const keyPath = childPath(setPath, key);
    const root = checkVariablePath(key, keyPath, 'A SET_VARIABLES key', ctx.issues);
    if (root !== null) ctx.state?.writes.push({ root, path: keyPath, order, kind: 'set' });
    checkTemplatesDeep(value, keyPath, ctx);
  }
}
