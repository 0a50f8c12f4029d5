import { compileSafeRegex, MAX_REGEX_LENGTH } from './safe-regex';

describe('compileSafeRegex', () => {
  it('finds a match anywhere unless anchored, like RegExp.test', () => {
    expect(compileSafeRegex('^[0-9]{6}$').test('123456')).toBe(true);
    expect(compileSafeRegex('^[0-9]{6}$').test('1234567')).toBe(false);
    expect(compileSafeRegex('\\d{3}').test('order 123!')).toBe(true);
    expect(compileSafeRegex('(?i)habari').test('HABARI yako')).toBe(true);
  });

  it('answers catastrophic patterns at once instead of backtracking', () => {
    const attack = 'a'.repeat(5000) + '!';
    expect(compileSafeRegex('^(a+)+$').test(attack)).toBe(false);
    expect(compileSafeRegex('^(a|a)*$').test(attack)).toBe(false);
    expect(compileSafeRegex('^(\\w+\\s?)*$').test(attack)).toBe(false);
  });

  it('refuses what RE2 cannot run, with the reason', () => {
    expect(() => compileSafeRegex('(a)\\1')).toThrow(/invalid escape sequence/);
    expect(() => compileSafeRegex('(?=a)b')).toThrow(/unsupported Perl syntax/);
    expect(() => compileSafeRegex('[a-')).toThrow(/missing closing ]/);
  });

  it('refuses over-long patterns', () => {
    expect(() => compileSafeRegex('a'.repeat(MAX_REGEX_LENGTH + 1))).toThrow(/longer than/);
  });
});
