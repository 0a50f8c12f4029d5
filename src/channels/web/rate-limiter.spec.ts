import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the limit within a window, then refuses with the seconds left', () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 10_000 });
    expect([0, 1, 2].map((t) => limiter.take('ip', 1_000 + t).ok)).toEqual([true, true, true]);
    expect(limiter.take('ip', 3_500)).toEqual({ ok: false, retryAfterSeconds: 8 });
  });

  it('starts a new window when the old one is over', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect(limiter.take('k', 0).ok).toBe(true);
    expect(limiter.take('k', 999).ok).toBe(false);
    expect(limiter.take('k', 1_000).ok).toBe(true);
  });

  it('counts each key on its own', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('b', 0).ok).toBe(true);
    expect(limiter.take('a', 1).ok).toBe(false);
  });

  it('never answers Retry-After 0', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 });
    limiter.take('k', 0);
    expect(limiter.take('k', 999)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('keeps at most maxKeys windows, forgetting the least recently used', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 }, 5);
    expect(limiter.take('visitor', 0).ok).toBe(true);
    for (let i = 0; i < 50; i++) {
      expect(limiter.take(`flood-${i}`, 1).ok).toBe(true);
      expect(limiter.take('visitor', 1).ok).toBe(false); // used again: stays in
      expect(limiter.size).toBeLessThanOrEqual(5);
    }
    expect(limiter.size).toBe(5);
    // A key pushed out starts a fresh window when it comes back.
    expect(limiter.take('flood-0', 2).ok).toBe(true);
    expect(limiter.take('flood-0', 3).ok).toBe(false);
  });
});
