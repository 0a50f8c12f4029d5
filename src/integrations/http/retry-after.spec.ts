import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-06T10:30:00Z');

  it('should read delta seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('should read an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Tue, 06 Jan 2026 10:30:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 06 Jan 2026 10:00:00 GMT', now)).toBe(0);
  });

  it('should ignore absent and unparseable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});
