import { addSecretValue, containsSecret, emptySecrets, maskSecrets } from './request-secrets';

describe('request-secrets', () => {
  it('should ignore empty and duplicate secrets', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, '');
    addSecretValue(secrets, undefined);
    addSecretValue(secrets, 'abc');
    addSecretValue(secrets, 'abc');
    expect(secrets.values).toEqual(['abc']);
  });

  it('should mask every occurrence, longest secret first, including JSON-escaped spellings', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, 'tok');
    addSecretValue(secrets, 'Bearer tok');
    addSecretValue(secrets, 'a"b');
    expect(maskSecrets(secrets, 'Bearer tok / tok / {"k":"a\\"b"}')).toBe(
      '*** / *** / {"k":"***"}',
    );
    expect(containsSecret(secrets, 'x a\\"b y')).toBe(true);
    expect(containsSecret(secrets, 'nothing here')).toBe(false);
  });
});
