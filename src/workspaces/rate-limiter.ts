import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

/** API keys whose buckets are kept per instance (least recently used out first). */
export const RATE_LIMIT_KEYS_MAX = 10_000;
/** Injection token to give a RateLimiter another bound (specs). */
export const RATE_LIMIT_KEYS_LIMIT = Symbol('RATE_LIMIT_KEYS_LIMIT');

/**
 * A token bucket per API key (RATE_LIMIT_PER_MINUTE; 0 = off), per instance. At most
 * RATE_LIMIT_KEYS_MAX buckets are kept; a key whose bucket was pushed out starts full again,
 * which is where an idle key's bucket would be anyway after a minute.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;
  private readonly perMinute: number;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'rateLimitPerMinute'>,
    @Optional() @Inject(RATE_LIMIT_KEYS_LIMIT) max: number = RATE_LIMIT_KEYS_MAX,
  ) {
    this.perMinute = config.rateLimitPerMinute;
    this.buckets = new LRUCache({ max });
  }

  /** 0 when allowed, else the seconds to wait. */
  take(key: string, now = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }

  /** Buckets held now (at most the bound). */
  get size(): number {
    return this.buckets.size;
  }
}
