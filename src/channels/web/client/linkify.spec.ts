import { isWebUrl, linkify } from './linkify';

describe('linkify', () => {
  it('should return plain text as one part', () => {
    expect(linkify('Karibu!\nHow can I help?')).toEqual([
      { kind: 'text', text: 'Karibu!\nHow can I help?' },
    ]);
    expect(linkify('')).toEqual([]);
  });

  it('should split http and https links out of the text', () => {
    expect(linkify('See https://shop.example/a?b=1#c and http://x.test now')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://shop.example/a?b=1#c', href: 'https://shop.example/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('should leave sentence punctuation and an unbalanced bracket outside the link', () => {
    expect(linkify('Go to https://a.test/x. Or (https://b.test/y)!')).toEqual([
      { kind: 'text', text: 'Go to ' },
      { kind: 'link', text: 'https://a.test/x', href: 'https://a.test/x' },
      { kind: 'text', text: '. Or (' },
      { kind: 'link', text: 'https://b.test/y', href: 'https://b.test/y' },
      { kind: 'text', text: ')!' },
    ]);
    expect(linkify('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it('should never make a link of other schemes or of markup', () => {
    const parts = linkify(
      'javascript:alert(1) <a href="https://evil.test">x</a> data:text/html,hi',
    );
    expect(parts.filter((p) => p.kind === 'link')).toEqual([
      { kind: 'link', text: 'https://evil.test', href: 'https://evil.test' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(
      'javascript:alert(1) <a href="https://evil.test">x</a> data:text/html,hi',
    );
  });

  it('should keep line breaks around links', () => {
    expect(linkify('a\nhttps://a.test\nb')).toEqual([
      { kind: 'text', text: 'a\n' },
      { kind: 'link', text: 'https://a.test', href: 'https://a.test' },
      { kind: 'text', text: '\nb' },
    ]);
  });
});

describe('isWebUrl', () => {
  it('should accept absolute http(s) URLs only', () => {
    expect(isWebUrl('https://cdn.test/a.png')).toBe(true);
    expect(isWebUrl('http://127.0.0.1:8080/a')).toBe(true);
    expect(isWebUrl('javascript:alert(1)')).toBe(false);
    expect(isWebUrl('/relative.png')).toBe(false);
    expect(isWebUrl('data:image/png;base64,AAAA')).toBe(false);
    expect(isWebUrl(undefined)).toBe(false);
  });
});
