import { normaliseReply } from './normalise-reply';

describe('normaliseReply', () => {
  it.each([
    ['  Café  ', 'cafe'],
    ['ÉTÉ', 'ete'],
    ['Talk   to\tSupport', 'talk to support'],
    ['FAQ', 'faq'],
    ['Ñandú', 'nandu'],
    ['', ''],
  ])('should normalise %j to %j', (input, expected) => {
    expect(normaliseReply(input)).toBe(expected);
  });
});
