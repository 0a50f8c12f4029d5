import { compareValues, isBlank, looseEquals, toText } from './template-helpers';

describe('template helper primitives', () => {
  it.each([
    [3, '3', true],
    ['3.0', 3, true],
    ['a', 'a', true],
    [true, 'true', true],
    [null, null, true],
    [null, undefined, false],
    ['a', 'b', false],
    [{}, {}, false],
    [0, '', false],
  ])('looseEquals(%j, %j) should be %s', (a, b, expected) => {
    expect(looseEquals(a, b)).toBe(expected);
  });

  it.each([
    ['10', 9, 1],
    [2, '10', -1],
    ['2026-01-02', '2026-01-10', -1],
    ['b', 'a', 1],
  ])('compareValues(%j, %j) should have sign %s', (a, b, sign) => {
    expect(Math.sign(compareValues(a, b) ?? Number.NaN)).toBe(sign);
  });

  it('should not order things that are not comparable', () => {
    expect(compareValues({}, 1)).toBeUndefined();
    expect(compareValues(undefined, 'a')).toBeUndefined();
  });

  it('should treat missing, empty text and empty lists as blank', () => {
    expect([undefined, null, '', []].every(isBlank)).toBe(true);
    expect([0, false, 'x', [1]].some(isBlank)).toBe(false);
  });

  it('should turn values into text', () => {
    expect([toText(undefined), toText(null), toText(5), toText({ a: 1 })]).toEqual([
      '',
      '',
      '5',
      '{"a":1}',
    ]);
  });
});
