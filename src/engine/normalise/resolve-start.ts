import { FlowCompileError } from '../flow-compile-error';

/**
 * The state a new session enters: the explicit `start`; else the one state named `start` or
 * marked `"initial": true`. No candidate, several candidates, or an unknown name throw.
 */
export function resolveStart(
  explicit: unknown,
  states: ReadonlyArray<{ name: string; initial: boolean }>,
): string {
  const names = new Set(states.map((s) => s.name));
  if (explicit !== undefined && explicit !== null) {
    if (typeof explicit !== 'string' || !names.has(explicit)) {
      throw new FlowCompileError(
        'no_start',
        `start state ${JSON.stringify(explicit)} is not a state`,
        'start',
      );
    }
    return explicit;
  }
  const candidates = states.filter((s) => s.name === 'start' || s.initial).map((s) => s.name);
  const unique = [...new Set(candidates)];
  if (unique.length === 0)
    throw new FlowCompileError(
      'no_start',
      'no "start", no state named "start" and none marked "initial"',
      'start',
    );
  if (unique.length > 1)
    throw new FlowCompileError(
      'ambiguous_start',
      `several start candidates: ${unique.join(', ')}`,
      'start',
    );
  return unique[0];
}
