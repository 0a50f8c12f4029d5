import { hash, randomBytes } from 'node:crypto';

/** `sk_` + 32 random bytes: high entropy, so a plain SHA-256 is a safe stored form. */
export function generateApiKey(): string {
  return 'sk_' + randomBytes(32).toString('base64url');
}

/** SHA-256, hex; the one-shot `crypto.hash` (no Hash object: this runs on every API request). */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export const API_KEY_SHAPE = /^sk_[A-Za-z0-9_-]{16,200}$/;
