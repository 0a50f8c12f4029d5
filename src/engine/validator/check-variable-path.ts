import type { IssueCollector } from './issue-collector';
import { show } from './json-path';
import { FORBIDDEN_KEYS } from './json-guards';

const SEGMENT = /[^.[\]]+/g;

/**
 * Checks a variable path as written in `var`, `save_to` or a SET_VARIABLES key
 * (`order.items[0].sku`, optionally prefixed `variables.`). Returns its top-level name,
 * or null when the path is unusable.
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
  const segments = value.match(SEGMENT) ?? [];
  const forbidden = segments.find((segment) => FORBIDDEN_KEYS.has(segment));
  if (forbidden !== undefined) {
    issues.error(path, `${what} ${show(value)} uses the reserved key "${forbidden}".`);
    return null;
  }
  const rest = segments[0] === 'variables' && segments.length > 1 ? segments.slice(1) : segments;
  if (rest.length === 0) {
    issues.error(path, `${what} ${show(value)} is not a variable name.`);
    return null;
  }
  return rest[0];
}
