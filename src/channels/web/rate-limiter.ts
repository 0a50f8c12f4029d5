/** At most `limit` requests per `windowMs` per key: a fixed window, kept in memory. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys kept before expired windows are swept (an IP flood cannot grow the map forever). */
const MAX_KEYS = 50_000;

/**
 * Counts requests per key in fixed windows. Per instance: behind a load balancer each
 * instance allows its own share, which is what the widget's limits are for (stopping one
 * visitor or address from flooding a bot), not a billing count.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly rule: RateLimit) {}

  take(key: string, now: number): RateDecision {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs) {
      if (!w && this.windows.size >= MAX_KEYS) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.rule.limit)
      return {
        ok: false,
        retryAfterSeconds: Math.ceil((w.start + this.rule.windowMs - now) / 1000),
      };
    w.count++;
    return { ok: true };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows)
      if (now - w.start >= this.rule.windowMs) this.windows.delete(key);
    // Every window still open: forget the oldest rather than grow.
    if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
  }
}
