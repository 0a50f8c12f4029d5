import { LRUCache } from 'lru-cache';

/** At most `limit` requests per `windowMs` per key: a fixed window, kept in memory. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys kept per limiter (an IP flood cannot grow the map forever). */
export const RATE_LIMIT_MAX_KEYS = 50_000;

/**
 * Counts requests per key in fixed windows. Per instance: behind a load balancer each
 * instance allows its own share, which is what the widget's limits are for (stopping one
 * visitor or address from flooding a bot), not a billing count. At most `maxKeys` windows are
 * kept; past that the least recently used one is forgotten (its key starts a new window).
 */
export class RateLimiter {
  private readonly windows: LRUCache<string, { start: number; count: number }>;

  constructor(
    private readonly rule: RateLimit,
    maxKeys = RATE_LIMIT_MAX_KEYS,
  ) {
    this.windows = new LRUCache({ max: maxKeys });
  }

  take(key: string, now: number): RateDecision {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs) {
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

  /** Windows held now (at most the bound). */
  get size(): number {
    return this.windows.size;
  }
}
