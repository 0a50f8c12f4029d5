import { maskSecretsDeep } from './mask-secrets-deep';
import { emptySecrets } from './request-secrets';

describe('maskSecretsDeep', () => {
  it('should mask secrets in strings and keys at any depth, leaving other values alone', () => {
    const secrets = emptySecrets();
    secrets.values.push('tok-123');
    const body = {
      headers: { authorization: 'Bearer tok-123' },
      list: ['tok-123', 1, null],
      'tok-123': true,
      n: 5,
    };
    expect(maskSecretsDeep(body, secrets)).toEqual({
      headers: { authorization: 'Bearer ***' },
      list: ['***', 1, null],
      '***': true,
      n: 5,
    });
  });

  it('should return the value itself when there is no secret', () => {
    const body = { a: 1 };
    expect(maskSecretsDeep(body, emptySecrets())).toBe(body);
  });
});
