import { randomBytes } from 'node:crypto';
import { DomainError } from '../../common/domain-error';
import { SecretBox } from '../crypto/secret-box';
import { openSecrets } from './open-secrets';

describe('openSecrets', () => {
  const box = new SecretBox({ current: randomBytes(32) });
  const seal = (value: unknown) => box.encrypt(JSON.stringify(value));

  it('opens a row once and hands the same frozen object to later callers', () => {
    const decrypt = jest.spyOn(box, 'decrypt');
    const row = { secrets: seal({ access_token: 't1', nested: { a: 'b' } }) };
    const first = openSecrets<{ access_token: string; nested: { a: string } }>(row, box);
    const second = openSecrets(row, box);
    expect(first).toEqual({ access_token: 't1', nested: { a: 'b' } });
    expect(second).toBe(first);
    expect(decrypt).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.nested)).toBe(true);
    decrypt.mockRestore();
  });

  it('opens again a row whose sealed secrets changed in place, and another row of the same text', () => {
    const row = { secrets: seal({ app_secret: 'old' }) };
    expect(openSecrets(row, box)).toEqual({ app_secret: 'old' });
    row.secrets = seal({ app_secret: 'new' });
    expect(openSecrets(row, box)).toEqual({ app_secret: 'new' });
    const decrypt = jest.spyOn(box, 'decrypt');
    expect(openSecrets({ secrets: row.secrets }, box)).toEqual({ app_secret: 'new' });
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
  });

  it('is null without secrets, and a 500 without the values when the keys cannot open them', () => {
    expect(openSecrets({ secrets: null }, box)).toBeNull();
    const other = new SecretBox({ current: randomBytes(32) });
    const row = { secrets: other.encrypt(JSON.stringify({ token: 'hidden-value' })) };
    let error: unknown;
    try {
      openSecrets(row, box);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(JSON.stringify(error)).not.toContain('hidden-value');
    expect((error as Error).message).not.toContain('hidden-value');
  });
});
