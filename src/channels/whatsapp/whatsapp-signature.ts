import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
/** `sha256=` and the 32-byte HMAC as hex, in either case (see verifyWhatsAppSignature). */
const HEADER = /^sha256=[0-9a-fA-F]{64}$/;

const hmac = (appSecret: string, rawBody: Buffer | string): Buffer =>
  createHmac('sha256', appSecret).update(rawBody).digest();

/**
 * Whether `X-Hub-Signature-256` is Meta's signature of exactly these bytes: HMAC-SHA256 keyed
 * with the app secret over the raw body as received. Never over re-serialised JSON: Meta escapes
 * non-ASCII characters (`\u00e9`) and `JSON.stringify` does not, so the bytes would differ.
 *
 * The digest is compared as bytes, in constant time. Its hex may be upper or lower case: Meta
 * sends lower case, and the case carries no part of the MAC, so refusing upper case would only
 * break a proxy that normalises it. Anything else — a missing header, another prefix, a wrong
 * length, a non-hex character, an empty secret — is `false`, never an exception.
 */
export function verifyWhatsAppSignature(
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (appSecret === '' || !looksSigned(header)) return false;
  const given = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = hmac(appSecret, rawBody);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether `header` has the form of Meta's signature at all (a body without one is refused). */
export const looksSigned = (header: string | undefined): header is string =>
  typeof header === 'string' && HEADER.test(header);

/** The `X-Hub-Signature-256` value Meta would send with this body (for tests and benches). */
export function signWhatsAppBody(appSecret: string, rawBody: Buffer | string): string {
  return `${PREFIX}${hmac(appSecret, rawBody).toString('hex')}`;
}
