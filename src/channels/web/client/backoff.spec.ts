import { backoffDelay } from './backoff';

const opts = { baseMs: 1000, maxMs: 30000, jitter: 0.5 };

describe('backoffDelay', () => {
  it('should double from the base up to the maximum without jitter', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, opts, none))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('should take off at most the jitter share at random', () => {
    expect(backoffDelay(2, opts, () => 0.999999)).toBe(2000);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(3000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, opts);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });

  it('should treat a negative attempt as the first', () => {
    expect(backoffDelay(-3, opts, () => 0)).toBe(1000);
  });
});
