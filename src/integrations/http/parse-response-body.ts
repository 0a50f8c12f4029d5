import { storableText } from '../../common/input-scan';

/** A JSON escape of NUL or of a UTF-16 surrogate, which may stand alone. */
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Turns response bytes into the value a flow sees: JSON when the content type says JSON
 * or the text parses as JSON, else the text; undefined for an empty body. NUL characters
 * are dropped and lone surrogates replaced by U+FFFD (storableText), in the text and in the
 * JSON's strings: PostgreSQL's jsonb holds neither, and the turn saving them would fail.
 */
export function parseResponseBody(
  data: Buffer,
  contentType: string | undefined,
): { body: unknown; text: string } {
  const text = storableText(decodeText(data, contentType));
  if (text.trim() === '') return { body: undefined, text };
  try {
    const body = RISKY_ESCAPE.test(text)
      ? (JSON.parse(text, (_key, value: unknown) =>
          typeof value === 'string' ? storableText(value) : value,
        ) as unknown)
      : (JSON.parse(text) as unknown);
    return { body, text };
  } catch {
    return { body: text, text };
  }
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
