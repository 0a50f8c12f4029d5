import { jsonSize } from './json-size';

describe('jsonSize', () => {
  it.each([
    ['a string', 'abc'],
    ['a number', 12.5],
    ['booleans and null', [true, false, null]],
    ['an object', { a: 1, bc: 'x', d: { e: [1, 2, { f: null }] } }],
    ['an empty object and list', { a: {}, b: [] }],
  ])('should count %s as JSON.stringify does', (_what, value) => {
    expect(jsonSize(value, 1_000)).toBe(JSON.stringify(value).length);
  });

  it('should leave out undefined fields as JSON does', () => {
    expect(jsonSize({ a: 1, b: undefined }, 100)).toBe(JSON.stringify({ a: 1 }).length);
  });

  it('should answer limit + 1 for a value larger than the limit', () => {
    expect(jsonSize('x'.repeat(50), 10)).toBe(11);
  });

  it('should count a shared object at every place it appears, without walking it again', () => {
    let x: unknown = 'leaf';
    for (let i = 0; i < 200; i++) x = { a: x, b: x };
    // 2^200 leaves: only a walk that stops at the limit and remembers sizes ends.
    expect(jsonSize(x, 1_000_000)).toBe(1_000_001);
    let small: unknown = 'leaf';
    for (let i = 0; i < 4; i++) small = { a: small, b: small };
    expect(jsonSize(small, 1_000_000)).toBe(JSON.stringify(small).length);
  });

  it('should not take a size measured under a small limit for the size under a larger one', () => {
    const shared = { text: 'x'.repeat(100) };
    const seen = new WeakMap<object, number>();
    expect(jsonSize({ pad: 'y'.repeat(90), shared }, 150, seen)).toBe(151);
    expect(jsonSize(shared, 1_000, seen)).toBe(JSON.stringify(shared).length);
  });

  it('should count the holes of a sparse array without visiting them', () => {
    const sparse: unknown[] = [];
    sparse[99_999_999] = 'x';
    expect(jsonSize(sparse, 1_000_000)).toBe(1_000_001);
    const small: unknown[] = [];
    small[3] = 'x';
    expect(jsonSize(small, 100)).toBe(JSON.stringify(small).length);
  });
});
