import { retryAfterMs } from './retry-after';

describe('retryAfterMs', () => {
  it('should read seconds', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    expect(retryAfterMs('1.5')).toBe(1500);
  });

  it('should read an HTTP date relative to now, never below zero', () => {
    const now = Date.parse('Wed, 21 Oct 2025 07:28:00 GMT');
    expect(retryAfterMs('Wed, 21 Oct 2025 07:28:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2025 07:27:00 GMT', now)).toBe(0);
  });

  it('should clamp long waits and reject missing or unreadable values', () => {
    expect(retryAfterMs('86400')).toBe(120000);
    expect(retryAfterMs('86400', 0, 5000)).toBe(5000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('')).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs('-5')).toBeNull();
  });
});
