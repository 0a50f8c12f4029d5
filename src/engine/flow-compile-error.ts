/** Why a flow definition cannot be run. The validator reports the same problems earlier, with paths. */
export type FlowCompileErrorCode =
  | 'invalid_definition'
  | 'no_states'
  | 'no_start'
  | 'ambiguous_start'
  | 'unknown_state'
  | 'invalid_template'
  | 'invalid_regex'
  | 'invalid_condition'
  | 'invalid_message'
  | 'invalid_input'
  | 'invalid_action'
  | 'unknown_action'
  | 'unsupported_action';

/**
 * Thrown by `compileFlow` (and the normaliser) when a definition cannot run at all.
 * `path` points into the definition like the validator's paths (`states.greeting.transitions[2].to`).
 */
export class FlowCompileError extends Error {
  override readonly name = 'FlowCompileError';

  constructor(
    readonly code: FlowCompileErrorCode,
    message: string,
    readonly path: string = '',
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}
