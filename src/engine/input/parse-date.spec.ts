import { parseDate } from './parse-date';

describe('parseDate', () => {
  it.each([
    ['2026-11-22', '2026-11-22'],
    ['2026/1/5', '2026-01-05'],
    ['22/11/2026', '2026-11-22'],
    ['22-11-2026', '2026-11-22'],
    ['22.11.2026', '2026-11-22'],
    ['5/1/26', '2026-01-05'],
    ['22 Nov 2026', '2026-11-22'],
    ['22 november 2026', '2026-11-22'],
    ['22nd Nov, 2026', '2026-11-22'],
    ['Nov 22, 2026', '2026-11-22'],
    ['22 Novemba 2026', '2026-11-22'],
    ['  29/02/2028 ', '2028-02-29'],
  ])('should read %s as %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    '31/02/2026',
    '29/02/2027',
    '2026-13-01',
    '00/01/2026',
    'tomorrow',
    '22 Foo 2026',
    '22/11',
    '',
  ])('should refuse %s', (input) => {
    expect(parseDate(input)).toBeUndefined();
  });
});
