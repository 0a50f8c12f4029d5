/**
 * Delay before retrying a delivery after attempt number `attempt` (1-based): exponential,
 * 1 s, 2 s, 4 s … capped at 5 minutes, with jitter over the upper half so retries of many
 * rows spread out. A provider's Retry-After, when given, wins (still capped).
 */
export function outboxBackoffMs(
  attempt: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const cap = 300_000;
  if (retryAfterMs !== undefined) return Math.min(cap, Math.max(0, retryAfterMs));
  const ceiling = Math.min(cap, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
