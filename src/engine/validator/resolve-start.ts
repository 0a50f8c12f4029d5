import type { RawState } from './collect-states';
import type { IssueCollector } from './issue-collector';
import { childPath, show } from './json-path';
import { closestName } from './closest-name';

/** Bucket of findings about `start`. */
export const START_BUCKET = 0;

/**
 * Finds the state a new session enters: `start` when written, else the one state named
 * `start` or marked `"initial": true`. Reports unknown, missing and ambiguous starts.
 * Returns null when there is no usable start.
 */
export function resolveStart(
  rawStart: unknown,
  states: RawState[],
  names: ReadonlySet<string>,
  issues: IssueCollector,
): string | null {
  issues.setBucket(START_BUCKET);
  if (rawStart !== undefined) {
    if (typeof rawStart !== 'string' || rawStart.trim() === '') {
      issues.error('start', `"start" must be the name of a state, not ${show(rawStart)}.`);
      return null;
    }
    if (states.length > 0 && !names.has(rawStart)) {
      issues.error(
        'start',
        `Start state "${rawStart}" is not a state.${suggestion(rawStart, names)}`,
      );
      return null;
    }
    for (const state of states) {
      if (state.value?.initial === true && state.name !== rawStart) {
        issues.setBucket(state.bucket);
        issues.warn(
          childPath(state.path, 'initial'),
          `State "${state.name}" is marked "initial", but "start" is "${rawStart}"; "initial" is ignored.`,
        );
      }
    }
    return names.has(rawStart) ? rawStart : null;
  }
  if (states.length === 0) return null;
  const candidates: string[] = [];
  for (const state of states) {
    if (
      (state.name === 'start' || state.value?.initial === true) &&
      !candidates.includes(state.name)
    ) {
      candidates.push(state.name);
    }
  }
  if (candidates.length === 0) {
    issues.error(
      'start',
      'No start state: set "start" to a state name, or mark one state with "initial": true.',
    );
    return null;
  }
  if (candidates.length > 1) {
    const list = candidates.map((name) => `"${name}"`).join(', ');
    issues.error(
      'start',
      `Ambiguous start: ${list} could all be the start state; set "start" to one of them.`,
    );
    return null;
  }
  return candidates[0];
}

function suggestion(name: string, names: ReadonlySet<string>): string {
  const near = closestName(name, [...names]);
  return near ? ` Did you mean "${near}"?` : '';
}
