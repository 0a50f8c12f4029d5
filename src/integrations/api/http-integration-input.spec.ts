import { DomainError } from '../../common/domain-error';
import { parseHttpIntegrationCreate, parseHttpIntegrationPatch } from './http-integration-input';

function errorsOf(fn: () => unknown): {
  detail: string;
  errors: { path: string; message: string }[];
} {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { detail: error.detail, errors: error.errors ?? [] };
    throw error;
  }
  throw new Error('expected a validation error');
}

const paths = (fn: () => unknown) => errorsOf(fn).errors.map((e) => e.path);
const base = { type: 'http', name: 'crm', base_url: 'https://api.example.com/v1' };

describe('parseHttpIntegrationCreate', () => {
  it('should fill in the defaults of api-call.md', () => {
    expect(parseHttpIntegrationCreate(base)).toEqual({
      name: 'crm',
      base_url: 'https://api.example.com/v1',
      auth: { type: 'none' },
      headers: {},
      query: {},
      timeout: { connect_ms: 3000, read_ms: 10000 },
      retry: {
        max_attempts: 3,
        initial_delay_ms: 200,
        max_delay_ms: 5000,
        on: ['network_error', 'timeout', '429', '5xx'],
      },
      max_response_bytes: 1048576,
    });
  });

  it('should accept every auth shape, defaulting api_key.in to header', () => {
    const auth = (value: object) => parseHttpIntegrationCreate({ ...base, auth: value }).auth;
    expect(auth({ type: 'bearer', token: 't' })).toEqual({ type: 'bearer', token: 't' });
    expect(auth({ type: 'api_key', key: 'k', name: 'X-Key' })).toEqual({
      type: 'api_key',
      key: 'k',
      name: 'X-Key',
      in: 'header',
    });
    expect(auth({ type: 'api_key', key: 'k', name: 'api key', in: 'query' })).toMatchObject({
      in: 'query',
    });
    expect(auth({ type: 'basic', username: 'u', password: '' })).toEqual({
      type: 'basic',
      username: 'u',
      password: '',
    });
    expect(auth({ type: 'headers', headers: { 'X-A': '1' } })).toEqual({
      type: 'headers',
      headers: { 'X-A': '1' },
    });
  });

  it('should report nested paths', () => {
    expect(paths(() => parseHttpIntegrationCreate({ ...base, auth: { type: 'bearer' } }))).toEqual([
      'auth.token',
    ]);
    expect(
      paths(() =>
        parseHttpIntegrationCreate({ ...base, retry: { on: ['5xx', 'soon', '4xx', '99'] } }),
      ),
    ).toEqual(['retry.on[1]', 'retry.on[3]']);
    expect(
      paths(() =>
        parseHttpIntegrationCreate({
          ...base,
          auth: { type: 'headers', headers: { 'X-A': 'v', 'x-a': 'w' } },
        }),
      ),
    ).toEqual(['auth.headers.x-a']);
    expect(
      paths(() => parseHttpIntegrationCreate({ ...base, headers: { 'X-Sarufi-User-Id': 'me' } })),
    ).toEqual(['headers.X-Sarufi-User-Id']);
    expect(
      paths(() =>
        parseHttpIntegrationCreate({
          ...base,
          retry: { initial_delay_ms: 500, max_delay_ms: 100 },
        }),
      ),
    ).toEqual(['retry.max_delay_ms']);
  });

  it('should report an api_key header name once, at its path', () => {
    const bad = (auth: object) =>
      errorsOf(() => parseHttpIntegrationCreate({ ...base, auth })).errors;
    expect(bad({ type: 'api_key', key: 'k', name: 'Bad Name' })).toEqual([
      { path: 'auth.name', message: 'Not a valid HTTP header name.' },
    ]);
    // In the query string, any name goes.
    expect(
      parseHttpIntegrationCreate({
        ...base,
        auth: { type: 'api_key', key: 'k', name: 'api key', in: 'query' },
      }).auth,
    ).toEqual({ type: 'api_key', key: 'k', name: 'api key', in: 'query' });
  });

  it('should never put a secret value in an error message', () => {
    const secret = 'line1\nline2-secret';
    const { errors } = errorsOf(() =>
      parseHttpIntegrationCreate({ ...base, auth: { type: 'bearer', token: secret } }),
    );
    expect(errors.map((e) => e.path)).toEqual(['auth.token']);
    expect(JSON.stringify(errors)).not.toContain('secret');
  });
});

describe('parseHttpIntegrationPatch', () => {
  it('should return only the fields sent, without defaults', () => {
    expect(parseHttpIntegrationPatch({ timeout: { read_ms: 50 } })).toEqual({
      timeout: { connect_ms: 3000, read_ms: 50 },
    });
    expect(parseHttpIntegrationPatch({})).toEqual({});
  });

  it('should accept the read-only fields of a GET body (the service checks them)', () => {
    const patch = parseHttpIntegrationPatch({
      id: 'A',
      chatbot_id: 'B',
      created_at: 'x',
      updated_at: 'y',
      type: 'http',
      name: 'n',
    });
    expect(patch).toEqual({ name: 'n' });
  });
});
