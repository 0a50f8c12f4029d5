import { buildApiMeta, classifyApiResult } from './classify-api-result';

describe('classifyApiResult', () => {
  it.each([
    [200, undefined, 'success'],
    [204, undefined, 'success'],
    [404, undefined, 'error'],
    [429, undefined, 'error'],
    [500, undefined, 'failure'],
    [503, 'circuit_open', 'failure'],
    [0, 'timeout', 'exception'],
    [0, undefined, 'exception'],
    [200, 'response_too_large', 'exception'],
    [302, 'too_many_redirects', 'exception'],
    [304, undefined, 'error'],
  ] as const)('should classify %s with %s as %s', (status_code, error_code, expected) => {
    expect(classifyApiResult({ status_code, error_code })).toBe(expected);
  });
});

describe('buildApiMeta', () => {
  const base = {
    status_code: 404,
    body: null,
    headers: { 'x-a': '1' },
    duration_ms: 3,
    attempts: 1,
    error: 'HTTP 404',
  };

  it('should carry the error code over the error text', () => {
    expect(
      buildApiMeta(
        { ...base, error_code: 'blocked_address', status_code: 0 },
        'exception',
        't',
        false,
      ).error,
    ).toBe('blocked_address');
    expect(buildApiMeta(base, 'error', 't', false)).toEqual({
      status: 'error',
      status_code: 404,
      headers: { 'x-a': '1' },
      timestamp: 't',
      duration_ms: 3,
      attempts: 1,
      error: 'HTTP 404',
    });
  });

  it('should leave error out on success and add raw only when asked', () => {
    const ok = { ...base, status_code: 200, error: undefined, raw: '{}' };
    expect(buildApiMeta(ok, 'success', 't', false)).not.toHaveProperty('error');
    expect(buildApiMeta(ok, 'success', 't', false)).not.toHaveProperty('raw');
    expect(buildApiMeta(ok, 'success', 't', true).raw).toBe('{}');
  });
});
