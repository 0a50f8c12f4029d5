import type { ApiCallResult } from '../../engine';

/** Worth another try later: no answer, throttled, or a server error. Client errors are final. */
export function isRetryableOutcome(r: ApiCallResult): boolean {
  if (r.status_code === 0)
    return (
      r.error_code !== 'blocked_address' &&
      r.error_code !== 'invalid_header' &&
      r.error_code !== 'unknown_integration' &&
      r.error_code !== 'invalid_request'
    );
  return r.status_code === 429 || r.status_code >= 500;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function outboxBackoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
