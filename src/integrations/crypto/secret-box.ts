import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export { parseKey } from './parse-key';

export interface SecretBoxKeys {
  /** Key used to encrypt; 32 bytes. */
  current: Buffer;
  /** Older keys still accepted for decryption (rotation). */
  previous?: Buffer[];
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Key id: first 8 hex characters of the SHA-256 of the key (identifies, never reveals it). */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Authenticated encryption of integration secrets at rest: AES-256-GCM with a random
 * 12-byte IV, stored as `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`. The key id
 * lets old values be decrypted after a key rotation and re-encrypted under the new key.
 * Errors never contain plaintext or key material.
 */
export class SecretBox {
  private readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(keys: SecretBoxKeys) {
    for (const key of [keys.current, ...(keys.previous ?? [])]) {
      if (!Buffer.isBuffer(key) || key.length !== 32)
        throw new Error('SecretBox keys must be 32 bytes');
    }
    this.currentId = keyId(keys.current);
    this.keys.set(this.currentId, Buffer.from(keys.current));
    for (const key of keys.previous ?? []) {
      const id = keyId(key);
      if (!this.keys.has(id)) this.keys.set(id, Buffer.from(key));
    }
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv, {
      authTagLength: TAG_BYTES,
    });
    // The envelope header is authenticated too, so the key id cannot be swapped.
    cipher.setAAD(Buffer.from(`${VERSION}:${this.currentId}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.currentId,
      iv.toString('base64'),
      tag.toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  decrypt(envelope: string): string {
    const { id, iv, tag, ciphertext } = this.parse(envelope);
    const key = this.keys.get(id);
    if (!key) throw new Error(`Cannot decrypt secret: unknown key id ${id}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${VERSION}:${id}`, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('Cannot decrypt secret: authentication failed (tampered or wrong key)');
    }
  }

  /** True when the value is not encrypted under the current key (or not a v1 envelope). */
  needsRotation(envelope: string): boolean {
    try {
      return this.parse(envelope).id !== this.currentId;
    } catch {
      return true;
    }
  }

  private parse(envelope: string): { id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
    const parts = typeof envelope === 'string' ? envelope.split(':') : [];
    const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
    if (
      parts.length !== 5 ||
      parts[0] !== VERSION ||
      !/^[0-9a-f]{8}$/.test(parts[1]) ||
      !parts.slice(2).every((part) => base64.test(part))
    ) {
      throw new Error('Cannot decrypt secret: not a v1 envelope');
    }
    const iv = Buffer.from(parts[2], 'base64');
    const tag = Buffer.from(parts[3], 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new Error('Cannot decrypt secret: malformed envelope');
    return { id: parts[1], iv, tag, ciphertext: Buffer.from(parts[4], 'base64') };
  }
}
