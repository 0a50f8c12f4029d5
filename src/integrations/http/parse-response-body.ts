import { storableText } from '../../common/input-scan';

/** A JSON escape of NUL or of a UTF-16 surrogate, which may stand alone. */
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** Deeper JSON is kept as its text: the turn's own writes would overflow the stack on it. */
const MAX_DEPTH = 64;

/** Keys never read or written through a path (flow-format.md): left out of a response. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns response bytes into the value a flow sees: JSON when the content type says JSON
 * or the text parses as JSON, else the text; undefined for an empty body. What a flow could
 * not keep is made safe: NUL characters dropped and lone surrogates replaced by U+FFFD
 * (storableText) in the text and the JSON's strings (PostgreSQL's jsonb holds neither),
 * `__proto__`, `constructor` and `prototype` keys left out, and JSON nested deeper than 64
 * levels kept as its text.
 */
export function parseResponseBody(
  data: Buffer,
  contentType: string | undefined,
): { body: unknown; text: string } {
  const text = storableText(decodeText(data, contentType));
  if (text.trim() === '') return { body: undefined, text };
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return { body: text, text };
  }
  return { body: tidy(body, RISKY_ESCAPE.test(text), 0) ? body : text, text };
}

/**
 * Makes a freshly parsed value one a flow may keep, in place (see parseResponseBody): false
 * when it is nested too deep. Strings are rewritten only when the text had a risky escape.
 */
function tidy(value: unknown, fixText: boolean, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_DEPTH) return false;
  const node = value as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (PROTOTYPE_KEYS.has(key)) {
      delete node[key];
      continue;
    }
    const item = node[key];
    if (typeof item === 'string') {
      if (fixText) node[key] = storableText(item);
    } else if (!tidy(item, fixText, depth + 1)) return false;
    const clean = fixText ? storableText(key) : key;
    if (clean !== key) {
      node[clean] = node[key];
      delete node[key];
    }
  }
  return true;
}

function decodeText(data: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(data);
    } catch {
      // unknown charset: fall back to UTF-8
    }
  }
  return new TextDecoder('utf-8').decode(data);
}
