const HEX = /^[0-9a-fA-F]{2}$/;
// Characters that may stand unencoded in a query value without changing its structure.
const SAFE = /[A-Za-z0-9\-._~!$'()*,;:@/?]/;

/**
 * Makes an already-encoded query component safe to append without decoding it: existing
 * `%XX` escapes are kept as they are (so values the engine encoded stay encoded exactly
 * once), and any character that could change the query's structure (`&`, `=`, `#`, `+`,
 * spaces, a stray `%`, non-ASCII) is percent-encoded.
 */
export function encodeQueryComponentPreserving(value: string): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    const char = value[i];
    if (char === '%' && HEX.test(value.slice(i + 1, i + 3))) {
      out += value.slice(i, i + 3);
      i += 3;
      continue;
    }
    const codePoint = value.codePointAt(i) ?? 0;
    const whole = String.fromCodePoint(codePoint);
    if (SAFE.test(whole)) {
      out += whole;
    } else if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      out += '%EF%BF%BD'; // lone surrogate: U+FFFD, as encodeURIComponent would throw
    } else {
      out += encodeURIComponent(whole);
    }
    i += whole.length;
  }
  return out;
}

/** Decodes a query key for comparison only (never for sending). */
export function decodeQueryKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}
