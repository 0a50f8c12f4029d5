import { parseNumber } from './parse-number';

describe('parseNumber', () => {
  it.each([
    ['42', 42],
    [' -3.5 ', -3.5],
    ['1,234.50', 1234.5],
    ['1 234', 1234],
    ['2,5', 2.5],
    ['+7', 7],
    ['.5', 0.5],
  ])('should read %s as %s', (input, expected) => {
    expect(parseNumber(input)).toBe(expected);
  });

  it.each(['', 'abc', '1e5', '12abc', '1,2,3', 'Infinity', '--1'])('should refuse %s', (input) => {
    expect(parseNumber(input)).toBeUndefined();
  });
});
