/** A flow definition larger than this (UTF-8 JSON bytes) is refused. */
export const MAX_FLOW_BYTES = 1024 * 1024;
/** A flow definition nested deeper than this (see measureDepth) is refused. */
export const MAX_FLOW_DEPTH = 64;

/** Size of a JSON value once serialised, in UTF-8 bytes. */
export function measureJsonBytes(value: unknown): number {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    return Number.POSITIVE_INFINITY; // not serialisable (e.g. cyclic): never within limits
  }
  return new TextEncoder().encode(text).length;
}
