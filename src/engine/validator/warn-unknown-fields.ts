import { closestName } from './closest-name';
import type { IssueCollector } from './issue-collector';
import { childPath } from './json-path';
import type { JsonObject } from './json-guards';

/**
 * Warns about each field of `object` that is not in `known` (in written order): it is
 * ignored, and is often a typo (`transitons`), so the warning suggests the nearest field.
 */
export function warnUnknownFields(
  object: JsonObject,
  known: readonly string[],
  path: string,
  where: string,
  issues: IssueCollector,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    const hint = near ? ` Did you mean "${near}"?` : '';
    issues.warn(childPath(path, key), `Unknown field "${key}" in ${where} is ignored.${hint}`);
  }
}
