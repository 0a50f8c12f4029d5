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
});
