import { randomBytes } from 'node:crypto';
import { parseKey } from './parse-key';

describe('parseKey', () => {
  const key = randomBytes(32);

  it('should accept 64 hex characters', () => {
    expect(parseKey(key.toString('hex'))).toEqual(key);
    expect(parseKey(key.toString('hex').toUpperCase())).toEqual(key);
  });

  it('should accept base64 and base64url of 32 bytes, trimming whitespace', () => {
    expect(parseKey(key.toString('base64'))).toEqual(key);
    expect(parseKey(` ${key.toString('base64url')}\n`)).toEqual(key);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['63 hex', 'a'.repeat(63)],
    ['not base64', 'this is not a key!!'],
    ['empty', ''],
  ])('should refuse a key that is %s, without echoing it', (_label, value) => {
    let message = '';
    try {
      parseKey(value);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/expected 32 bytes as base64 or 64 hex/);
    if (value !== '') expect(message).not.toContain(value);
  });
});
