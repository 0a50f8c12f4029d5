import type { Readable } from 'node:stream';

export interface CappedBody {
  data: Buffer;
  /** True when the body was longer than the cap and was cut off (`data` holds the first bytes). */
  truncated: boolean;
}

/**
 * Reads a response stream into memory, stopping (and destroying the stream) as soon as
 * it goes past `maxBytes`. Counts bytes after decompression, so a small compressed body
 * cannot expand beyond the cap.
 */
export function readCapped(stream: Readable, maxBytes: number): Promise<CappedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (result: CappedBody | Error): void => {
      if (settled) return;
      settled = true;
      stream.removeListener('data', onData);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (total + buffer.length > maxBytes) {
        chunks.push(buffer.subarray(0, Math.max(0, maxBytes - total)));
        total = maxBytes;
        finish({ data: Buffer.concat(chunks), truncated: true });
        stream.destroy();
        return;
      }
      chunks.push(buffer);
      total += buffer.length;
    };
    stream.on('data', onData);
    stream.once('end', () => finish({ data: Buffer.concat(chunks), truncated: false }));
    stream.once('error', (error: Error) => finish(error));
    stream.once('close', () => {
      if (!settled) finish(new Error('response stream closed early'));
    });
    // Swallow errors raised after we stopped listening (destroy on truncation or timeout).
    stream.on('error', () => undefined);
  });
}
