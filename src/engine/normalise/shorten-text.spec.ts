import { shortenText } from './shorten-text';

describe('shortenText', () => {
  it('keeps a text at or under the limit as it is', () => {
    expect(shortenText('abc', 3)).toBe('abc');
    expect(shortenText('', 0)).toBe('');
  });

  it('cuts a longer text to the limit, the tail included', () => {
    expect(shortenText('abcdef', 4)).toBe('abc…');
    expect(shortenText('abcdef', 5, '...')).toBe('ab...');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    // '😀' is two UTF-16 units; a cut after 'ab' + its first unit would leave a lone surrogate.
    const cut = shortenText('ab😀cdef', 4);
    expect(cut).toBe('ab…');
    expect(() => encodeURIComponent(cut)).not.toThrow();
    expect(shortenText('a😀cdef', 4)).toBe('a😀…');
  });

  it('cuts every position of an emoji run to well-formed text', () => {
    const text = 'x'.repeat(7) + '😀'.repeat(10);
    for (let max = 1; max < text.length; max++) {
      const cut = shortenText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(() => encodeURIComponent(cut)).not.toThrow();
    }
  });
});
