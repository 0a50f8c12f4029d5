import { randomBytes } from 'node:crypto';
import { keyId, parseKey, SecretBox } from './secret-box';

describe('SecretBox', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  describe('encrypt / decrypt', () => {
    it('should round-trip text, including empty and non-ASCII', () => {
      const box = new SecretBox({ current: newKey });
      for (const plain of ['s3cret-token', '', 'Habari 🌍 ümlaut', 'x'.repeat(10_000)]) {
        expect(box.decrypt(box.encrypt(plain))).toBe(plain);
      }
    });

    it('should produce a versioned envelope with the key id and a fresh IV each time', () => {
      const box = new SecretBox({ current: newKey });
      const a = box.encrypt('same');
      const b = box.encrypt('same');
      expect(a).not.toBe(b);
      const [version, id, iv, tag, ciphertext] = a.split(':');
      expect(version).toBe('v1');
      expect(id).toBe(keyId(newKey));
      expect(id).toMatch(/^[0-9a-f]{8}$/);
      expect(Buffer.from(iv, 'base64')).toHaveLength(12);
      expect(Buffer.from(tag, 'base64')).toHaveLength(16);
      expect(Buffer.from(ciphertext, 'base64')).toHaveLength(4);
      expect(a).not.toContain('same');
    });

    it('should detect tampering with the ciphertext, tag, IV or key id', () => {
      const box = new SecretBox({ current: newKey, previous: [oldKey] });
      const envelope = box.encrypt('pay-me');
      const parts = envelope.split(':');
      const flip = (b64: string): string => {
        const bytes = Buffer.from(b64, 'base64');
        bytes[0] ^= 1;
        return bytes.toString('base64');
      };
      for (const index of [2, 3, 4]) {
        const tampered = [...parts];
        tampered[index] = flip(tampered[index]);
        expect(() => box.decrypt(tampered.join(':'))).toThrow(/authentication failed/);
      }
      const swapped = [...parts];
      swapped[1] = keyId(oldKey);
      expect(() => box.decrypt(swapped.join(':'))).toThrow(/authentication failed/);
    });

    it('should refuse malformed envelopes and unknown keys with messages free of secrets', () => {
      const box = new SecretBox({ current: newKey });
      const other = new SecretBox({ current: oldKey });
      const foreign = other.encrypt('top-secret-value');
      const errors: string[] = [];
      for (const bad of ['', 'plain text', 'v2:abcd1234:a:b:c', 'v1:abcd1234:!!:b:c', foreign]) {
        try {
          box.decrypt(bad);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      expect(errors).toHaveLength(5);
      expect(errors[4]).toMatch(/unknown key id/);
      const joined = errors.join('\n');
      expect(joined).not.toContain('top-secret-value');
      expect(joined).not.toContain(newKey.toString('hex'));
      expect(joined).not.toContain(newKey.toString('base64'));
    });
  });

  describe('rotation', () => {
    it('should decrypt values under a previous key and flag them for re-encryption', () => {
      const before = new SecretBox({ current: oldKey });
      const stored = before.encrypt('rotate-me');
      const after = new SecretBox({ current: newKey, previous: [oldKey] });
      expect(after.decrypt(stored)).toBe('rotate-me');
      expect(after.needsRotation(stored)).toBe(true);
      const rotated = after.encrypt(after.decrypt(stored));
      expect(after.needsRotation(rotated)).toBe(false);
      expect(new SecretBox({ current: newKey }).decrypt(rotated)).toBe('rotate-me');
    });

    it('should flag anything that is not a current envelope', () => {
      const box = new SecretBox({ current: newKey });
      expect(box.needsRotation('not encrypted')).toBe(true);
    });
  });

  describe('constructor', () => {
    it('should refuse keys that are not 32 bytes', () => {
      expect(() => new SecretBox({ current: randomBytes(16) })).toThrow(/32 bytes/);
      expect(() => new SecretBox({ current: newKey, previous: [randomBytes(31)] })).toThrow(
        /32 bytes/,
      );
    });

    it('should work with keys read by parseKey', () => {
      const box = new SecretBox({ current: parseKey(newKey.toString('hex')) });
      expect(box.decrypt(box.encrypt('ok'))).toBe('ok');
    });
  });
});
