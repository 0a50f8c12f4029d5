/**
 * Turns response bytes into the value a flow sees: JSON when the content type says JSON
 * or the text parses as JSON, else the text; undefined for an empty body.
 */
export function parseResponseBody(
  data: Buffer,
  contentType: string | undefined,
): { body: unknown; text: string } {
  const text = decodeText(data, contentType);
  if (text.trim() === '') return { body: undefined, text };
  try {
    return { body: JSON.parse(text) as unknown, text };
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
