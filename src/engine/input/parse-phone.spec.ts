import { parsePhone } from './parse-phone';

describe('parsePhone', () => {
  it.each([
    ['+255 712 345 678', undefined, '+255712345678'],
    ['0712 345 678', 'TZ', '+255712345678'],
    ['0712345678', 'tz', '+255712345678'],
    ['0722 123 456', 'KE', '+254722123456'],
    ['+1 (415) 555-2671', undefined, '+14155552671'],
  ])('should read %s (country %s) as %s', (input, country, expected) => {
    expect(parsePhone(input, country)).toBe(expected);
  });

  it.each([
    ['0712 345 678', undefined],
    ['12', 'TZ'],
    ['not a phone', 'TZ'],
    ['+255 1', undefined],
  ])('should refuse %s (country %s)', (input, country) => {
    expect(parsePhone(input, country)).toBeUndefined();
  });
});
