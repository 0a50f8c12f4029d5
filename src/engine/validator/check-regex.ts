import { compileSafeRegex } from '../regex/safe-regex';
import { show } from './json-path';
import type { IssueCollector } from './issue-collector';

/** Checks that a value is a string that compiles as a linear-time (RE2) regular expression. */
export function checkRegex(value: unknown, path: string, issues: IssueCollector): boolean {
  if (typeof value !== 'string') {
    issues.error(path, `A regular expression must be a string, not ${show(value)}.`);
    return false;
  }
  try {
    compileSafeRegex(value);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    issues.error(path, `Invalid regular expression ${show(value)}: ${reason}.`);
    return false;
  }
}
