import { parsePath } from '../templates/read-path';
import type { IssueCollector } from './issue-collector';
import { show } from './json-path';
import { FORBIDDEN_KEYS } from './json-guards';

const SEGMENT = /[^.[\]]+/g;
const PREFIX = 'variables.';

/**
 * Checks a variable path as written in `var`, `save_to` or a SET_VARIABLES key
 * (`order.items[0].sku`, optionally prefixed `variables.`). Returns its top-level name,
 * or null when the path is unusable.
 *
 * The path must parse with the engine's own reader (`parsePath`), after the `variables.`
 * prefix is taken off as the engine does: `x[`, `a[]` or a bare `variables.` would pass a
 * looser check here and then stop the flow from compiling.
 */
export function checkVariablePath(
  value: unknown,
  path: string,
  what: string,
  issues: IssueCollector,
): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.error(path, `${what} must be a non-empty variable name, not ${show(value)}.`);
    return null;
  }
  const forbidden = (value.match(SEGMENT) ?? []).find((segment) => FORBIDDEN_KEYS.has(segment));
  if (forbidden !== undefined) {
    issues.error(path, `${what} ${show(value)} uses the reserved key "${forbidden}".`);
    return null;
  }
  const trimmed = value.trim();
  const rest = trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length) : trimmed;
  const segments = rest.trim() === '' ? null : parsePath(rest);
  if (segments === null) {
    issues.error(
      path,
      `${what} ${show(value)} is not a variable name or path like "order.items[0].sku".`,
    );
    return null;
  }
  return segments[0];
}
