import type { FlowFacts } from './flow-facts';
import { successorMap } from './flow-graph';
import { reachableFrom } from './reachable-from';
import type { IssueCollector } from './issue-collector';

/**
 * Warns about states no path from the start state leads to (through transitions, global
 * transitions, `on_max_retries` and action routes). Skipped without a valid start, and when
 * an API_CALL has `directives: true` (its backend may send the user to any state).
 */
export function warnUnreachableStates(facts: FlowFacts, issues: IssueCollector): void {
  if (facts.start === null || facts.usesDirectives) return;
  const reachable = reachableFrom([facts.start], successorMap(facts));
  reachable.add(facts.start);
  for (const state of facts.states) {
    if (reachable.has(state.name)) continue;
    issues.setBucket(state.bucket);
    issues.warn(
      state.path,
      `State "${state.name}" is unreachable: nothing leads to it from the start state "${facts.start}".`,
    );
  }
}
