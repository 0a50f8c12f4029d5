import type { IssueCollector } from './issue-collector';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';

/** One state as written, in document order. `value` is null when it is not an object. */
export interface RawState {
  name: string;
  path: string;
  value: JsonObject | null;
  /** Bucket of the issue collector for this state's findings. */
  bucket: number;
  /** Written in the list form (`states[3]`), where `name` is the key. */
  fromList: boolean;
}

export interface CollectedStates {
  states: RawState[];
  names: Set<string>;
  /** True when `states` holds at least one entry of a usable shape. */
  usable: boolean;
}

/** First bucket used by states; earlier buckets hold the document-level sections. */
export const FIRST_STATE_BUCKET = 10;
/** Bucket of findings about the `states` container itself. */
export const STATES_BUCKET = 9;

/**
 * Reads `states` in either shape (map name → state, or list of states with `name`) and
 * reports shape errors and duplicate names. Later checks work on the returned list.
 */
export function collectStates(raw: unknown, issues: IssueCollector): CollectedStates {
  const states: RawState[] = [];
  const names = new Set<string>();
  issues.setBucket(STATES_BUCKET);
  if (raw === undefined) {
    issues.error('states', 'The flow has no "states": add a map of state name to state.');
    return { states, names, usable: false };
  }
  if (Array.isArray(raw)) {
    collectList(raw, states, names, issues);
  } else if (isRecord(raw)) {
    collectMap(raw, states, names, issues);
  } else {
    issues.error(
      'states',
      `"states" must be a map of state name to state (or a list of states), not ${show(raw)}.`,
    );
    return { states, names, usable: false };
  }
  issues.setBucket(STATES_BUCKET);
  if (states.length === 0) {
    issues.error('states', 'The flow has no states: "states" is empty.');
  }
  return { states, names, usable: states.length > 0 };
}

function collectMap(
  raw: JsonObject,
  states: RawState[],
  names: Set<string>,
  issues: IssueCollector,
): void {
  for (const [name, value] of Object.entries(raw)) {
    const path = childPath('states', name);
    const bucket = FIRST_STATE_BUCKET + states.length;
    issues.setBucket(bucket);
    if (name.trim() === '') issues.error(path, 'A state name must not be empty.');
    if (!isRecord(value))
      issues.error(path, `State "${name}" must be an object, not ${show(value)}.`);
    names.add(name);
    states.push({ name, path, value: isRecord(value) ? value : null, bucket, fromList: false });
  }
}

function collectList(
  raw: unknown[],
  states: RawState[],
  names: Set<string>,
  issues: IssueCollector,
): void {
  const firstIndex = new Map<string, number>();
  raw.forEach((value, index) => {
    const path = childPath('states', index);
    const bucket = FIRST_STATE_BUCKET + states.length;
    issues.setBucket(bucket);
    if (!isRecord(value)) {
      issues.error(path, `Each entry of "states" must be a state object, not ${show(value)}.`);
      return;
    }
    const name = value.name;
    if (typeof name !== 'string' || name.trim() === '') {
      issues.error(
        childPath(path, 'name'),
        `A state in a list needs a non-empty string "name" (found ${show(name)}).`,
      );
      return;
    }
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) {
      issues.error(
        childPath(path, 'name'),
        `Duplicate state name "${name}" (also states[${earlier}]).`,
      );
      return;
    }
    firstIndex.set(name, index);
    names.add(name);
    states.push({ name, path, value, bucket, fromList: true });
  });
}
