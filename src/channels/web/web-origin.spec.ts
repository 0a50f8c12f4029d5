import { originAllowed } from './web-origin';

describe('originAllowed', () => {
  const allowed = ['https://shop.example', 'http://127.0.0.1:8080'];

  it('allows an origin listed exactly', () => {
    expect(originAllowed(allowed, 'https://shop.example')).toBe(true);
    expect(originAllowed(allowed, 'http://127.0.0.1:8080')).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example'],
    ['another scheme', 'http://shop.example'],
    ['another port', 'http://127.0.0.1:8081'],
    ['a trailing slash', 'https://shop.example/'],
    ['a look-alike suffix', 'https://shop.example.evil.example'],
    ['the opaque origin of a sandboxed frame', 'null'],
  ])('refuses %s', (_what, origin) => {
    expect(originAllowed(allowed, origin)).toBe(false);
  });

  it('refuses a request without an Origin header', () => {
    expect(originAllowed(allowed, undefined)).toBe(false);
  });

  it('allows anything, even no Origin, with "*"', () => {
    expect(originAllowed(['*'], 'https://any.example')).toBe(true);
    expect(originAllowed(['*'], undefined)).toBe(true);
  });
});
