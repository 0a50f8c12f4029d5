import { redactResponseHeaders } from './redact-response-headers';
import { emptySecrets } from './request-secrets';

describe('redactResponseHeaders', () => {
  it('should lower-case names, join lists and drop credential headers', () => {
    const secrets = emptySecrets();
    secrets.headerNames.add('x-api-key');
    // As request-builder records a bearer token, plus a basic-auth user too short to mask
    // inside other text.
    secrets.values.push('tok-123', 'Bearer tok-123', 'user');
    const headers = redactResponseHeaders(
      {
        'Content-Type': 'application/json',
        'Set-Cookie': ['a=1', 'b=2'],
        'WWW-Authenticate': 'Bearer',
        Authorization: 'x',
        'Proxy-Authorization': 'x',
        'X-Api-Key': 'whatever',
        'X-Echo': 'Bearer tok-123',
        'X-Echo-User': 'user',
        'X-Plan': 'users-basic',
        Vary: ['Accept', 'Origin'],
        'X-Count': 3,
        'X-None': undefined,
      },
      secrets,
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      vary: 'Accept, Origin',
      'x-count': '3',
      'x-plan': 'users-basic',
    });
  });
});
