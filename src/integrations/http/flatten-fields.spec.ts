import { flattenFields } from './flatten-fields';

describe('flattenFields', () => {
  it('should flatten nested objects and arrays with bracket names', () => {
    expect(
      flattenFields({ a: { b: 1, c: { d: true } }, list: ['x', { y: 'z' }], empty: null, n: 2.5 }),
    ).toEqual([
      ['a[b]', '1'],
      ['a[c][d]', 'true'],
      ['list[0]', 'x'],
      ['list[1][y]', 'z'],
      ['empty', ''],
      ['n', '2.5'],
    ]);
  });

  it('should produce no field for empty objects and arrays', () => {
    expect(flattenFields({ a: {}, b: [] })).toEqual([]);
  });

  it('should refuse circular structures', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => flattenFields(loop)).toThrow(/circular/);
  });
});
