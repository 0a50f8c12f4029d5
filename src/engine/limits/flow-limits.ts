/**
 * Bounds on what one flow may ask of the shared server. The validator refuses values past
 * them (with the field's path); the normaliser, the runner and the HTTP caller clamp to them
 * as well, so a version stored before a bound existed cannot exceed it either.
 */
export const FLOW_LIMITS = {
  /** States entered in one turn without waiting for the user. */
  maxAutoSteps: 100,
  /** Session inactivity timeout, in minutes (30 days). */
  maxSessionTimeoutMinutes: 43_200,
  maxInputRetries: 20,
  /** API_CALL `retry`. */
  maxRetryAttempts: 10,
  minRetryDelayMs: 100,
  maxRetryDelayMs: 60_000,
  /**
   * API_CALL `timeout_ms`, the wait for one attempt's answer: as long as an integration's
   * `timeout.read_ms` may be (5 minutes). Unbounded, one call could hold its turn, and the
   * session's lease with its renewals, for weeks.
   */
  maxApiTimeoutMs: 300_000,
  /** One template string, in characters, and its `{{#block}}` nesting. */
  maxTemplateLength: 16_384,
  maxTemplateNesting: 32,
  /** Per turn: block-helper iterations (`each` items, `with`/`if` bodies) rendered. */
  templateIterationBudget: 10_000,
  /** Characters of one rendered message; longer output is cut off. */
  maxRenderedChars: 65_536,
  /**
   * A session's variables as JSON, in characters (2 MiB: a response at the default
   * max_response_bytes and the rest). They are read and written on every turn; a write past
   * this stores null instead.
   */
  maxVariablesChars: 2 * 1024 * 1024,
} as const;
