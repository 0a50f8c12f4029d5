import { PassThrough, Readable } from 'node:stream';
import { readCapped } from './read-capped';

describe('readCapped', () => {
  it('should read a body within the cap whole', async () => {
    await expect(
      readCapped(Readable.from([Buffer.from('abc'), Buffer.from('def')]), 6),
    ).resolves.toEqual({
      data: Buffer.from('abcdef'),
      truncated: false,
    });
  });

  it('should cut off at the cap and destroy the stream', async () => {
    const stream = new PassThrough();
    const result = readCapped(stream, 4);
    stream.write(Buffer.from('abc'));
    stream.write(Buffer.from('defgh'));
    await expect(result).resolves.toEqual({ data: Buffer.from('abcd'), truncated: true });
    expect(stream.destroyed).toBe(true);
  });

  it('should reject when the stream fails', async () => {
    const stream = new PassThrough();
    const result = readCapped(stream, 10);
    stream.destroy(new Error('boom'));
    await expect(result).rejects.toThrow('boom');
  });
});
