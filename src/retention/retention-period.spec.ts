import { decodeTime, ulid } from 'ulid';
import { keyBefore, shortestDays } from './retention-period';

describe('shortestDays', () => {
  it.each([
    [[30], 30],
    [[30, 7, null, 90], 7],
    [[30, 0, 0.5], 0.5],
    [[0], 0],
    [[0, null, 0], 0],
    [[], 0],
  ])('should pick the shortest period that deletes anything from %j', (periods, expected) => {
    expect(shortestDays(...periods)).toBe(expected);
  });
});

describe('keyBefore', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('should be the first id of the millisecond that many days before now', () => {
    const key = keyBefore(now, 1.5);
    expect(key).toMatch(/^[0-9A-Z]{10}0{16}$/);
    expect(decodeTime(key)).toBe(Date.parse('2026-02-28T00:00:00.000Z'));
  });

  it('should sort every id made before that moment below it, and every one made at or after it above', () => {
    const key = keyBefore(now, 7);
    const moment = decodeTime(key);
    for (const offset of [-86_400_000, -1, 0, 1, 3_600_000]) {
      const id = ulid(moment + offset);
      expect(id < key).toBe(offset < 0);
    }
  });

  it('should never go before the epoch', () => {
    expect(keyBefore(now, 36_500)).toBe('0'.repeat(26));
  });
});
