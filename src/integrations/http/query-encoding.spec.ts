import { decodeQueryKey, encodeQueryComponentPreserving } from './query-encoding';

describe('encodeQueryComponentPreserving', () => {
  it('should keep already-encoded values exactly as they are', () => {
    for (const raw of ['a/b?x=1', '../admin', 'x&y=z#frag', 'ümlaut', '100%', 'a+b c']) {
      const encoded = encodeURIComponent(raw);
      expect(encodeQueryComponentPreserving(encoded)).toBe(encoded);
    }
  });

  it('should encode characters that would change the query structure', () => {
    expect(encodeQueryComponentPreserving('a&b=c#d e+f')).toBe('a%26b%3Dc%23d%20e%2Bf');
    expect(encodeQueryComponentPreserving('50%')).toBe('50%25');
    expect(encodeQueryComponentPreserving('%zz')).toBe('%25zz');
    expect(encodeQueryComponentPreserving('名')).toBe('%E5%90%8D');
    expect(encodeQueryComponentPreserving('😀')).toBe(encodeURIComponent('😀'));
  });

  it('should decode keys for comparison', () => {
    expect(decodeQueryKey('a%20b')).toBe('a b');
    expect(decodeQueryKey('%zz')).toBe('%zz');
  });
});
