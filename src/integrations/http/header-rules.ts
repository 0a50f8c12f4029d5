/** Rules for the names and values of outbound HTTP headers, shared by the request builder and the integrations API. */

/** An RFC 9110 token: the only characters a header name may use. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than horizontal tab: CR and LF above all (header injection).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** Headers that would change message framing or routing: never taken from a flow or an integration (lower case). */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** True when `name` is a valid HTTP header name. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** True when `value` holds a control character other than tab (CR, LF, NUL, DEL…). */
export function hasControlChars(value: string): boolean {
  return CONTROL.test(value);
}

/** `value` with each such control character replaced by a space. */
export function blankControlChars(value: string): string {
  return value.replace(CONTROL_ALL, ' ');
}

/** True for headers only the gateway sets: the framing headers and every `X-Sarufi-*` header. */
export function isGatewayHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('x-sarufi-') || FRAMING_HEADERS.has(lower);
}
