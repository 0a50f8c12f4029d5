import {
  blankControlChars,
  FRAMING_HEADERS,
  hasControlChars,
  isGatewayHeader,
  isHeaderName,
} from './header-rules';

describe('header rules', () => {
  it.each(['X-Tenant', 'accept', 'X_Custom.1', "a!#$%&'*+-.^_`|~z"])(
    'accepts the header name %j',
    (name) => {
      expect(isHeaderName(name)).toBe(true);
    },
  );

  it.each(['', 'X Tenant', 'X-Tenant:', 'naïve', 'a\r\nb', '(x)', 'a/b'])(
    'refuses the header name %j',
    (name) => {
      expect(isHeaderName(name)).toBe(false);
    },
  );

  it('finds control characters other than tab', () => {
    expect(hasControlChars('plain value')).toBe(false);
    expect(hasControlChars('tab\tis fine')).toBe(false);
    expect(hasControlChars('')).toBe(false);
    for (const bad of ['a\rb', 'a\nb', 'a\u0000b', 'a\u001fb', 'a\u007fb']) {
      expect(hasControlChars(bad)).toBe(true);
    }
  });

  it('is stateless across calls (no global regex)', () => {
    expect(hasControlChars('a\nb')).toBe(true);
    expect(hasControlChars('a\nb')).toBe(true);
  });

  it('blanks every control character other than tab', () => {
    expect(blankControlChars('a\r\nb\tc\u0000d\u007f')).toBe('a  b\tc d ');
    expect(blankControlChars('plain')).toBe('plain');
  });

  it('knows the framing headers in lower case', () => {
    expect(FRAMING_HEADERS.has('host')).toBe(true);
    expect(FRAMING_HEADERS.has('transfer-encoding')).toBe(true);
    expect(FRAMING_HEADERS.has('authorization')).toBe(false);
  });

  it.each(['Host', 'Content-Length', 'X-Sarufi-User-Id', 'x-sarufi-anything'])(
    'treats %j as set by the gateway',
    (name) => {
      expect(isGatewayHeader(name)).toBe(true);
    },
  );

  it.each(['Authorization', 'X-Tenant', 'X-Sarufi'])(
    'lets a flow or integration set %j',
    (name) => {
      expect(isGatewayHeader(name)).toBe(false);
    },
  );
});
