import type { FlowFacts, StateFacts, VariableWrite } from './flow-facts';
import { successorMap } from './flow-graph';
import type { IssueCollector } from './issue-collector';
import { BUILT_IN_VARIABLES } from './known-helpers';
import { reachableFrom } from './reachable-from';

/**
 * Two warnings about variables, both by top-level name:
 * - a template reads a variable that nothing sets (flow `variables`, `input.save_to`,
 *   SET_VARIABLES, API_CALL `save_to` or its `_meta`, built-ins). Skipped when an API_CALL
 *   has `directives: true`, since its backend may set any variable.
 * - a SET_VARIABLES key, `input.save_to` or explicit API_CALL `save_to` that nothing reads
 *   (templates, `when`, CONDITION `if`) and that no later POST/PUT/PATCH API_CALL with the
 *   auto body sends to a backend. Skipped when a template reads every variable.
 */
export function warnVariableUsage(facts: FlowFacts, issues: IssueCollector): void {
  if (!facts.usesDirectives) warnUnsetReads(facts, issues);
  if (!facts.readsEverything) warnUnreadWrites(facts, issues);
}

function warnUnsetReads(facts: FlowFacts, issues: IssueCollector): void {
  const set = new Set<string>([...BUILT_IN_VARIABLES, ...facts.initialVariables]);
  for (const state of facts.states) {
    for (const write of state.writes) set.add(write.root);
    for (const call of state.apiCalls) {
      if (call.saveTo !== null) {
        set.add(call.saveTo);
        set.add(`${call.saveTo}_meta`);
      }
    }
  }
  for (const read of facts.reads) {
    if (!read.fromTemplate || set.has(read.root)) continue;
    issues.setBucket(read.bucket);
    issues.warn(
      read.path,
      `Template reads variable "${read.root}", which no state or action sets.`,
    );
  }
}

function warnUnreadWrites(facts: FlowFacts, issues: IssueCollector): void {
  const read = new Set(facts.reads.map((item) => item.root));
  const successors = successorMap(facts);
  const byName = new Map(facts.states.map((state) => [state.name, state]));
  for (const state of facts.states) {
    for (const write of state.writes) {
      if (read.has(write.root) || (write.kind === 'api' && read.has(`${write.root}_meta`)))
        continue;
      if (sentToBackendLater(write, state, successors, byName)) continue;
      issues.setBucket(state.bucket);
      issues.warn(
        write.path,
        `Variable "${write.root}" is set here but nothing reads it (no template, condition or later API_CALL body).`,
      );
    }
  }
}

/** True when a POST/PUT/PATCH API_CALL with the auto body may run after the write. */
function sentToBackendLater(
  write: VariableWrite,
  state: StateFacts,
  successors: Map<string, Set<string>>,
  byName: Map<string, StateFacts>,
): boolean {
  if (state.apiCalls.some((call) => call.sendsAllVariables && call.order > write.order))
    return true;
  for (const name of reachableFrom([state.name], successors)) {
    if (byName.get(name)?.apiCalls.some((call) => call.sendsAllVariables)) return true;
  }
  return false;
}
