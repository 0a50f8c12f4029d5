import { maskSecretsDeep } from './mask-secrets-deep';
import { addSecretValue, emptySecrets } from './request-secrets';

describe('maskSecretsDeep', () => {
  it('should mask secrets in strings and keys at any depth, leaving other values alone', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, 'tok-123456');
    const body = {
      headers: { authorization: 'Bearer tok-123456' },
      list: ['tok-123456', 1, null],
      'tok-123456': true,
      n: 5,
    };
    expect(maskSecretsDeep(body, secrets)).toEqual({
      headers: { authorization: 'Bearer ***' },
      list: ['***', 1, null],
      '***': true,
      n: 5,
    });
  });

  it('should mask a short secret only where it is a whole value or key', () => {
    const secrets = emptySecrets();
    addSecretValue(secrets, 'user');
    const body = { username: 'user', plan: 'users-basic', user: ['user', 'a user'] };
    expect(maskSecretsDeep(body, secrets)).toEqual({
      username: '***',
      plan: 'users-basic',
      '***': ['***', 'a user'],
    });
  });

  it('should return the value itself when there is no secret', () => {
    const body = { a: 1 };
    expect(maskSecretsDeep(body, emptySecrets())).toBe(body);
  });
});
