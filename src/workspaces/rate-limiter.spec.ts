import { RateLimiter } from './rate-limiter';

describe('RateLimiter (per API key)', () => {
  it('allows a minute’s worth at once, then one more per refilled token', () => {
    const limiter = new RateLimiter({ rateLimitPerMinute: 2 });
    expect(limiter.take('k', 0)).toBe(0);
    expect(limiter.take('k', 0)).toBe(0);
    expect(limiter.take('k', 0)).toBe(30);
    expect(limiter.take('k', 30_001)).toBe(0);
  });

  it('allows everything when the limit is 0, and keeps no bucket', () => {
    const limiter = new RateLimiter({ rateLimitPerMinute: 0 });
    for (let i = 0; i < 100; i++) expect(limiter.take(`k${i}`, 0)).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('keeps at most its bound of buckets; a key pushed out starts with a full bucket', () => {
    const limiter = new RateLimiter({ rateLimitPerMinute: 1 }, 5);
    expect(limiter.take('busy', 0)).toBe(0);
    for (let i = 0; i < 50; i++) {
      expect(limiter.take(`key-${i}`, 1)).toBe(0);
      expect(limiter.take('busy', 1)).toBeGreaterThan(0); // used again: stays in
      expect(limiter.size).toBeLessThanOrEqual(5);
    }
    expect(limiter.size).toBe(5);
    expect(limiter.take('key-0', 2)).toBe(0);
    expect(limiter.take('key-0', 3)).toBeGreaterThan(0);
  });
});
