/** How reconnects slow down: the first wait, the longest wait, and the random share. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay that is random (0–1), so many widgets do not reconnect in step. */
  jitter: number;
}

export const STREAM_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30000, jitter: 0.5 };

/**
 * The wait before reconnect number `attempt` (0 = the first retry): doubling from `baseMs`
 * up to `maxMs`, minus a random part of up to `jitter` of it. `random` returns [0, 1).
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = STREAM_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(exp * (1 - opts.jitter * random()));
}
