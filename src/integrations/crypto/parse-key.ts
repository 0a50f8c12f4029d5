/**
 * Reads a 256-bit key from configuration: 64 hex characters, or base64 (standard or
 * URL-safe) of exactly 32 bytes. The error never repeats the value.
 */
export function parseKey(value: string): Buffer {
  const text = (value ?? '').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  throw new Error('Invalid encryption key: expected 32 bytes as base64 or 64 hex characters');
}
