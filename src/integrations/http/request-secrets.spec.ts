import {
  addSecretValue,
  dataContainsSecret,
  emptySecrets,
  maskSecrets,
  maskSecretsInData,
} from './request-secrets';

describe('request-secrets', () => {
  it('should ignore empty and duplicate secrets', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, '');
    addSecretValue(secrets, undefined);
    addSecretValue(secrets, 'abc');
    addSecretValue(secrets, 'abc');
    expect(secrets.values).toEqual(['abc']);
  });

  describe('maskSecrets (traces, logs, errors)', () => {
    it('should mask every occurrence, however short, longest secret first, including JSON-escaped spellings', () => {
      const secrets = emptySecrets();
      addSecretValue(secrets, 'tok');
      addSecretValue(secrets, 'Bearer tok');
      addSecretValue(secrets, 'a"b');
      expect(maskSecrets(secrets, 'Bearer tok / tok / tokens / {"k":"a\\"b"}')).toBe(
        '*** / *** / ***ens / {"k":"***"}',
      );
    });
  });

  describe('maskSecretsInData (a backend answer the flow reads)', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, 'user');
    addSecretValue(secrets, 'a"b');
    addSecretValue(secrets, 'long-secret-1');

    it('should mask a secret of 8 characters or more wherever it appears', () => {
      expect(maskSecretsInData(secrets, 'x=long-secret-1&y')).toBe('x=***&y');
    });

    it('should mask a shorter secret only as the whole text or a whole JSON string', () => {
      expect(maskSecretsInData(secrets, 'user')).toBe('***');
      expect(maskSecretsInData(secrets, '{"user":"user","k":"a\\"b"}')).toBe(
        '{"***":"***","k":"***"}',
      );
      expect(maskSecretsInData(secrets, '{"username":"a user","plan":"users"}')).toBe(
        '{"username":"a user","plan":"users"}',
      );
    });

    it('should tell whether a text holds a secret by the same rule', () => {
      expect(dataContainsSecret(secrets, 'user')).toBe(true);
      expect(dataContainsSecret(secrets, 'Bearer long-secret-1')).toBe(true);
      expect(dataContainsSecret(secrets, 'application/user+json')).toBe(false);
    });
  });
});
