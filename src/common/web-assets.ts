import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error';

interface Asset {
  body: Buffer;
  etag: string;
}

/**
 * Where `npm run build` puts the bundled browser code (scripts/build-web.mjs): `dist/web` in
 * the nearest folder above this file that has one (this file runs from `src/common` under
 * the tests and from `dist/src/common` once built). Null before the first build.
 */
function webAssetsDir(): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'dist', 'web'))) return join(dir, 'dist', 'web');
    if (dirname(dir) === dir) return null;
  }
}

const cache = new Map<string, Asset>();

function load(name: string): Asset {
  let asset = cache.get(name);
  if (!asset) {
    const dir = webAssetsDir();
    const file = dir ? join(dir, name) : null;
    if (!file || !existsSync(file))
      throw new DomainError(
        ErrorCode.Unavailable,
        `${name} has not been built; run "npm run build".`,
      );
    const body = readFileSync(file);
    asset = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    cache.set(name, asset);
  }
  return asset;
}

/**
 * Sends a bundled page or script, read once and kept: with a strong ETag (304 when the
 * browser has it) and `max-age` seconds of caching, then revalidation.
 */
export function sendWebAsset(
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  contentType: string,
  maxAgeSeconds: number,
): void {
  const { body, etag } = load(name);
  reply.headers({
    ETag: etag,
    'Cache-Control': `public, max-age=${maxAgeSeconds}, must-revalidate`,
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
  });
  const sent = req.headers['if-none-match'];
  if (sent && sent.split(',').some((t) => t.trim() === etag)) {
    void reply.code(304).send();
    return;
  }
  void reply.code(200).send(body);
}
