import type { IssueCollector } from './issue-collector';
import type { StateFacts } from './flow-facts';

/**
 * An API_CALL that can fail with no route for the failure (no failure_transition, no
 * status_transitions for it, no default/always transition in the state) leaves the user
 * waiting after an error. Fire-and-forget calls take no route and are exempt.
 */
export function warnApiFailureRoutes(state: StateFacts, issues: IssueCollector): void {
  if (state.hasDefault || state.hasAlways) return;
  issues.setBucket(state.bucket);
  for (const call of state.apiCalls) {
    if (call.fireAndForget || call.hasFailureRoute) continue;
    const missing = call.uncoveredFailures.join(', ');
    issues.warn(
      call.path,
      `API_CALL has no failure route for ${missing}: add "failure_transition" (or matching "status_transitions", or a "default" transition) so a failed call does not strand the user.`,
    );
  }
}
