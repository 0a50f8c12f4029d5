import { newId } from './new-id';

describe('newId', () => {
  it('should make valid, unique, increasing ULIDs', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('should spread the random part (not stuck on one pool value)', () => {
    const randomParts = new Set(Array.from({ length: 2000 }, () => newId().slice(10, 14)));
    expect(randomParts.size).toBeGreaterThan(1);
  });
});
