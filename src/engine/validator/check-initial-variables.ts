import type { IssueCollector } from './issue-collector';
import { childPath, show } from './json-path';
import { FORBIDDEN_KEYS, isRecord } from './json-guards';

export const VARIABLES_BUCKET = 2;

/** Checks the flow's `variables` (initial values of every session); returns their names. */
export function checkInitialVariables(variables: unknown, issues: IssueCollector): string[] {
  issues.setBucket(VARIABLES_BUCKET);
  if (variables === undefined) return [];
  if (!isRecord(variables)) {
    issues.error(
      'variables',
      `"variables" must be an object of name to initial value, not ${show(variables)}.`,
    );
    return [];
  }
  const names: string[] = [];
  for (const key of Object.keys(variables)) {
    if (FORBIDDEN_KEYS.has(key) || key.trim() === '') {
      issues.error(childPath('variables', key), `${show(key)} cannot be a variable name.`);
      continue;
    }
    names.push(key);
  }
  return names;
}
