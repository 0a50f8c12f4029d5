import type { ApiCallResult } from '../../engine/ports';
import type { HttpIntegrationConfig } from './http-integration';
import type { ResolvedAddress } from './ssrf-guard';
import { apiCallRequest, httpIntegration } from './test-support/api-call-request';
import { json, LoopbackServer } from './test-support/loopback-server';
import { SilentServer } from './test-support/silent-server';
import { testCaller } from './test-support/test-caller';

describe('HttpCaller security', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  async function start(
    handler?: Parameters<typeof LoopbackServer.start>[0],
    host?: string,
  ): Promise<LoopbackServer> {
    const server = await LoopbackServer.start(handler, host);
    servers.push(server);
    return server;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe('SSRF guard', () => {
    it.each([
      (port: number) => `http://127.0.0.1:${port}/`,
      (port: number) => `http://2130706433:${port}/`,
      (port: number) => `http://0x7f.1:${port}/`,
      (port: number) => `http://0177.0.0.1:${port}/`,
      (port: number) => `http://127.1:${port}/`,
      (port: number) => `http://[::ffff:127.0.0.1]:${port}/`,
      (port: number) => `http://[::ffff:7f00:1]:${port}/`,
      (port: number) => `http://[::1]:${port}/`,
      (port: number) => `http://[::127.0.0.1]:${port}/`,
      (port: number) => `http://[64:ff9b::127.0.0.1]:${port}/`,
      (port: number) => `http://0:${port}/`,
      () => 'http://169.254.169.254/latest/meta-data/',
      () => 'http://10.0.0.1/',
      () => 'http://192.168.1.1/',
      () => 'http://100.64.0.1/',
      () => 'http://224.0.0.1/',
      () => 'http://255.255.255.255/',
      () => 'http://[fd00::1]/',
      () => 'http://[fe80::1]/',
    ])('should refuse literal address #%#', async (makeUrl) => {
      const server = await start();
      const { caller } = testCaller({ allowHosts: [] });
      const result = await caller.call(apiCallRequest({ url: makeUrl(server.port) }), {});
      expect(result).toMatchObject({
        status_code: 0,
        error: 'blocked_address',
        error_code: 'blocked_address',
        attempts: 1,
      });
      expect(server.requests).toHaveLength(0);
    });

    it('should refuse a host name that resolves to loopback, and allow it once allow-listed by name or CIDR', async () => {
      const server = await start();
      const hosts = { 'evil.test': ['127.0.0.1'] };
      const url = server.url('/x', 'evil.test');

      const refused = testCaller({ allowHosts: [], hosts });
      expect(await refused.caller.call(apiCallRequest({ url }), {})).toMatchObject({
        status_code: 0,
        error_code: 'blocked_address',
      });
      expect(refused.lookups).toEqual(['evil.test']);
      expect(server.requests).toHaveLength(0);

      const byName = testCaller({ allowHosts: ['EVIL.test'], hosts });
      expect(await byName.caller.call(apiCallRequest({ url }), {})).toMatchObject({
        status_code: 200,
      });
      expect(server.last!.headers.host).toBe(`evil.test:${server.port}`);

      const byCidr = testCaller({ allowHosts: ['127.0.0.0/8'], hosts });
      expect(await byCidr.caller.call(apiCallRequest({ url }), {})).toMatchObject({
        status_code: 200,
      });
      expect(server.requests).toHaveLength(2);
    });

    it('should refuse localhost by default', async () => {
      const server = await start();
      const { caller } = testCaller({ allowHosts: [], hosts: { localhost: ['127.0.0.1', '::1'] } });
      const result = await caller.call(apiCallRequest({ url: server.url('/', 'localhost') }), {});
      expect(result.error_code).toBe('blocked_address');
      expect(server.requests).toHaveLength(0);
    });

    it('should connect to the address it checked, not to a fresh DNS answer (rebinding)', async () => {
      const server = await start();
      let calls = 0;
      const lookup = async (): Promise<ResolvedAddress[]> => {
        calls += 1;
        return [{ address: calls === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
      };
      const { caller } = testCaller({ allowHosts: ['127.0.0.1/32'], lookup });
      const result = await caller.call(apiCallRequest({ url: server.url('/', 'rebind.test') }), {});
      expect(result.status_code).toBe(200);
      expect(calls).toBe(1);
      expect(server.last!.headers.host).toBe(`rebind.test:${server.port}`);
    });

    it('should not retry a refused address', async () => {
      const { caller, lookups } = testCaller({
        allowHosts: [],
        hosts: { 'meta.test': ['169.254.169.254'] },
      });
      const result = await caller.call(apiCallRequest({ url: 'http://meta.test/' }), {});
      expect(result).toMatchObject({ error_code: 'blocked_address', attempts: 1 });
      expect(lookups).toHaveLength(1);
    });
  });

  describe('redirects', () => {
    async function chain(): Promise<LoopbackServer> {
      return start((req, res) => {
        const step = Number(/\/r\/(\d+)/.exec(req.url)?.[1] ?? '0');
        if (step < 4) {
          res.writeHead(302, { location: `/r/${step + 1}` });
          res.end();
        } else {
          json(res, 200, { final: step });
        }
      });
    }

    it('should follow up to 3 redirects', async () => {
      const server = await chain();
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: server.url('/r/1') }), {});
      expect(result).toMatchObject({ status_code: 200, body: { final: 4 }, attempts: 1 });
      expect(server.requests.map((r) => r.url)).toEqual(['/r/1', '/r/2', '/r/3', '/r/4']);
      expect((result.trace!.attempts as Array<{ redirects?: number }>)[0].redirects).toBe(3);
    });

    it('should stop at the 4th redirect with too_many_redirects', async () => {
      const server = await chain();
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: server.url('/r/0') }), {});
      expect(result).toMatchObject({
        error: 'too_many_redirects',
        error_code: 'too_many_redirects',
        attempts: 1,
      });
      expect(server.requests).toHaveLength(4);
    });

    it('should check every hop: a redirect to a loopback address that is not allow-listed is refused', async () => {
      const target = await start(undefined, '127.0.0.2');
      const first = await start((_req, res) => {
        res.writeHead(302, { location: `http://127.0.0.2:${target.port}/internal` });
        res.end();
      });
      const { caller } = testCaller({
        allowHosts: ['localhost'],
        hosts: { localhost: ['127.0.0.1'] },
      });
      const result = await caller.call(
        apiCallRequest({ url: first.url('/start', 'localhost') }),
        {},
      );
      expect(result).toMatchObject({ status_code: 0, error_code: 'blocked_address' });
      expect(first.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    });

    it('should check every hop: a redirect to a name resolving to a blocked address is refused', async () => {
      const first = await start((_req, res) => {
        res.writeHead(307, { location: 'http://internal.test/admin' });
        res.end();
      });
      const { caller } = testCaller({ hosts: { 'internal.test': ['10.1.2.3'] } });
      const result = await caller.call(apiCallRequest({ url: first.url('/') }), {});
      expect(result.error_code).toBe('blocked_address');
    });

    it('should drop credentials when redirected to another origin, and keep them on the same origin', async () => {
      const other = await start();
      const first = await start((req, res) => {
        if (req.url === '/same') {
          res.writeHead(301, { location: '/moved' });
        } else if (req.url === '/moved') {
          res.writeHead(302, { location: `http://other.test:${other.port}/landing` });
        } else {
          res.writeHead(500);
        }
        res.end();
      });
      const integration = httpIntegration(first.url('/', 'api.test'), {
        auth: { type: 'bearer', token: 'tok-redirect' },
        headers: { 'X-Private': 'priv-1' },
      });
      const { caller } = testCaller({
        allowHosts: ['api.test', 'other.test'],
        hosts: { 'api.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] },
        integrations: [integration],
      });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/same' }),
        {},
      );
      expect(result.status_code).toBe(200);
      expect(first.requests.map((r) => r.headers.authorization)).toEqual([
        'Bearer tok-redirect',
        'Bearer tok-redirect',
      ]);
      const landed = other.last!;
      expect(landed.url).toBe('/landing');
      expect(landed.headers.host).toBe(`other.test:${other.port}`);
      expect(landed.headers.authorization).toBeUndefined();
      expect(landed.headers['x-private']).toBeUndefined();
      expect(landed.headers['x-sarufi-user-id']).toBe('255700000001');
    });

    it('should turn a POST into a GET without body on 303, and keep method and body on 307', async () => {
      const server = await start((req, res) => {
        if (req.url === '/see-other') res.writeHead(303, { location: '/done' });
        else if (req.url === '/temporary') res.writeHead(307, { location: '/done' });
        else res.writeHead(200);
        res.end();
      });
      const { caller } = testCaller();
      await caller.call(
        apiCallRequest({ url: server.url('/see-other'), method: 'POST', body: { a: 1 } }),
        {},
      );
      expect(server.requests[1]).toMatchObject({ method: 'GET', url: '/done', text: '' });
      await caller.call(
        apiCallRequest({ url: server.url('/temporary'), method: 'POST', body: { a: 1 } }),
        {},
      );
      expect(server.requests[3].method).toBe('POST');
      expect(JSON.parse(server.requests[3].text)).toMatchObject({ a: 1 });
    });

    it('should not follow a redirect to another scheme', async () => {
      const server = await start((_req, res) => {
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
      });
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {});
      expect(result).toMatchObject({ status_code: 302, error: 'HTTP 302' });
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('secrets', () => {
    const SECRETS = {
      bearer: 'SECRET-bearer-7f3a9c',
      header: 'SECRET-header-41d2e8',
      apiKey: 'SECRET-apikey-90be17',
      user: 'secret-user-5c0ffe',
      password: 'SECRET-pass-b33f00',
      authHeader: 'SECRET-authhdr-12ab34',
    };
    const forbidden = [
      ...Object.values(SECRETS),
      Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64'),
    ];

    function integrations(baseUrl: string): HttpIntegrationConfig[] {
      const common = {
        headers: { 'X-Private': SECRETS.header },
        retry: { max_attempts: 2, initial_delay_ms: 1 },
      };
      return [
        httpIntegration(baseUrl, {
          ...common,
          name: 'bearer',
          auth: { type: 'bearer', token: SECRETS.bearer },
        }),
        httpIntegration(baseUrl, {
          ...common,
          name: 'query',
          auth: { type: 'api_key', in: 'query', name: 'key', key: SECRETS.apiKey },
        }),
        httpIntegration(baseUrl, {
          ...common,
          name: 'header',
          auth: { type: 'api_key', in: 'header', name: 'X-Key', key: SECRETS.apiKey },
        }),
        httpIntegration(baseUrl, {
          ...common,
          name: 'basic',
          auth: { type: 'basic', username: SECRETS.user, password: SECRETS.password },
        }),
        httpIntegration(baseUrl, {
          ...common,
          name: 'headers',
          auth: { type: 'headers', headers: { 'X-Auth': SECRETS.authHeader } },
        }),
      ];
    }

    it('should keep every secret out of results, traces and logs, whatever happens', async () => {
      const silent = await SilentServer.start();
      servers.push(silent);
      // Echoes everything it received, in the body and in response headers.
      const server = await start((req, res) => {
        const echo = JSON.stringify({ url: req.url, headers: req.headers });
        const status = req.url.includes('fail') ? 503 : 200;
        res.setHeader('Set-Cookie', `token=${String(req.headers.authorization)}`);
        res.setHeader('X-Echo-Authorization', String(req.headers.authorization ?? ''));
        res.setHeader('X-Echo-Private', String(req.headers['x-private'] ?? ''));
        res.setHeader('X-Echo-Url', req.url);
        if (req.url.includes('redirect')) {
          res.writeHead(302, { location: `${req.url.replace('redirect', 'landed')}` });
          res.end();
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(echo);
      });
      const configs = [
        ...integrations(server.url('/v1')),
        ...integrations(`https://127.0.0.1:${silent.port}/v1`).map((c) => ({
          ...c,
          name: `${c.name}-silent`,
          timeout: { connect_ms: 50, read_ms: 50 },
        })),
      ];
      const { caller, logs } = testCaller({ integrations: configs });

      const results: ApiCallResult[] = [];
      for (const name of ['bearer', 'query', 'header', 'basic', 'headers']) {
        for (const path of ['/ok', '/fail', '/redirect']) {
          results.push(
            await caller.call(
              apiCallRequest({ integration: name, path, method: 'POST', include_raw: true }),
              {},
            ),
          );
        }
        results.push(
          await caller.call(
            apiCallRequest({ integration: `${name}-silent`, path: '/t', include_raw: true }),
            {},
          ),
        );
        results.push(
          await caller.call(
            apiCallRequest({ integration: name, path: '/x', headers: { 'X-Bad': 'a\r\nb' } }),
            {},
          ),
        );
      }

      // The backend did get the credentials...
      const received = JSON.stringify(
        server.requests.map((r) => ({ url: r.url, headers: r.headers })),
      );
      expect(received).toContain(SECRETS.bearer);
      expect(received).toContain(SECRETS.apiKey);
      expect(received).toContain(SECRETS.header);
      expect(received).toContain(SECRETS.authHeader);
      // ...and the echo reached the caller...
      expect(results.filter((r) => r.status_code === 200)).toHaveLength(10);
      expect(results.some((r) => r.error_code === 'timeout')).toBe(true);
      expect(results.some((r) => r.error_code === 'invalid_header')).toBe(true);
      // ...but nothing the caller hands back or logs contains any of them.
      const everything = JSON.stringify({ results, logs });
      for (const secret of forbidden) {
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(encodeURIComponent(secret));
      }
      const queryTrace = results.find((r) => String(r.trace?.url).includes('key='));
      expect(queryTrace?.trace?.url).toMatch(/key=\*\*\*/);
    });

    it('should keep credentials from a legacy URL out of the trace', async () => {
      const server = await start();
      const { caller, logs } = testCaller();
      const url = server
        .url('/hook')
        .replace('http://', `http://${SECRETS.user}:${SECRETS.password}@`);
      const result = await caller.call(apiCallRequest({ url }), {});
      expect(server.last!.headers.authorization).toBe(
        `Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64')}`,
      );
      const everything = JSON.stringify({ result, logs });
      for (const secret of forbidden) expect(everything).not.toContain(secret);
      expect(result.trace!.url).toBe(server.url('/hook'));
    });
  });
});
