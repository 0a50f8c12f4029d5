import type { FlowFacts } from './flow-facts';

/**
 * Where each state can lead: its own routes plus the global transitions (a user can
 * trigger those from any state). Only routes to existing states are kept.
 */
export function successorMap(facts: FlowFacts): Map<string, Set<string>> {
  const globalTargets = facts.globalRoutes
    .map((route) => route.target)
    .filter((target) => facts.stateNames.has(target));
  const map = new Map<string, Set<string>>();
  for (const state of facts.states) {
    const next = map.get(state.name) ?? new Set<string>();
    for (const route of state.routes)
      if (facts.stateNames.has(route.target)) next.add(route.target);
    for (const target of globalTargets) next.add(target);
    map.set(state.name, next);
  }
  return map;
}
