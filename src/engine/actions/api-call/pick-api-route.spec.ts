import { pickApiRoute, type ApiRoutes } from './pick-api-route';

const routes: ApiRoutes = {
  status: new Map([
    ['404', 'missing'],
    ['4xx', 'client'],
    ['timeout', 'slow'],
    ['circuit_open', 'down'],
  ]),
  success: 'ok',
  failure: 'bad',
};

describe('pickApiRoute', () => {
  it.each([
    [200, undefined, 'success', 'ok'],
    [404, undefined, 'error', 'missing'],
    [401, undefined, 'error', 'client'],
    [500, undefined, 'failure', 'bad'],
    [0, 'timeout', 'exception', 'slow'],
    [0, 'deadline_exceeded', 'exception', 'slow'],
    [503, 'circuit_open', 'failure', 'down'],
    [0, 'network_error', 'exception', 'bad'],
  ] as const)('should route %s/%s to %s', (status_code, error_code, status, expected) => {
    expect(pickApiRoute(routes, { status_code, error_code }, status)).toBe(expected);
  });

  it('should return undefined without a matching route', () => {
    expect(pickApiRoute({ status: new Map() }, { status_code: 500 }, 'failure')).toBeUndefined();
    expect(
      pickApiRoute({ status: new Map(), failure: 'f' }, { status_code: 200 }, 'success'),
    ).toBeUndefined();
  });

  it('should send a 2xx with an error code (e.g. unknown_state) to failure', () => {
    expect(pickApiRoute(routes, { status_code: 200 }, 'success', 'unknown_state')).toBe('bad');
  });

  it('should never send a refused 2xx (response_too_large) to a "200" or "2xx" route', () => {
    const withSuccessRoutes: ApiRoutes = {
      status: new Map([
        ['200', 'fine'],
        ['2xx', 'fine'],
      ]),
      failure: 'bad',
    };
    expect(
      pickApiRoute(
        withSuccessRoutes,
        { status_code: 200, error_code: 'response_too_large' },
        'exception',
      ),
    ).toBe('bad');
    const withCodeRoute: ApiRoutes = {
      status: new Map([
        ['200', 'fine'],
        ['response_too_large', 'big'],
      ]),
    };
    expect(
      pickApiRoute(
        withCodeRoute,
        { status_code: 200, error_code: 'response_too_large' },
        'exception',
      ),
    ).toBe('big');
  });
});
