import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error';

interface Asset {
  body: Buffer;
  etag: string;
}

/** The project's root: the nearest folder above this file holding package.json. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** Where `npm run build` puts the bundled browser code (scripts/build-web.mjs). */
export const WEB_ASSETS_DIR = join(projectRoot(), 'dist', 'web');

const cache = new Map<string, Asset>();

function load(name: string): Asset {
  let asset = cache.get(name);
  if (!asset) {
    const file = join(WEB_ASSETS_DIR, name);
    if (!existsSync(file))
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
  req: Request,
  res: Response,
  name: string,
  contentType: string,
  maxAgeSeconds: number,
): void {
  const { body, etag } = load(name);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}, must-revalidate`);
  res.setHeader('Content-Type', contentType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const sent = req.headers['if-none-match'];
  if (sent && sent.split(',').some((t) => t.trim() === etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).send(body);
}
