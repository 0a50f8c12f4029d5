import type { IssueCollector } from './issue-collector';
import type { StateFacts } from './flow-facts';
import { childPath } from './json-path';

/** The seeds' wording for a state where a reply may lead nowhere. */
export const NO_FALLBACK_MESSAGE = 'No fallback transition defined - users may get stuck.';

/**
 * A state that waits for the user (no `end`, no unconditional `always`, no action that
 * always routes away, no HANDOFF) needs a catch-all transition, or a reply that matches
 * nothing leaves the user where they are.
 */
export function warnWaitingState(state: StateFacts, issues: IssueCollector): void {
  if (state.end || state.hasAlways || state.alwaysRoutesAway || state.hasHandoff) return;
  if (state.hasDefault) return;
  issues.setBucket(state.bucket);
  issues.warn(childPath(state.path, 'transitions'), NO_FALLBACK_MESSAGE);
}
