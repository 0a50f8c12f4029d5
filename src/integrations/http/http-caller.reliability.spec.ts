import type { HttpMethod } from '../../engine/ports';
import { apiCallRequest, httpIntegration } from './test-support/api-call-request';
import { json, LoopbackServer } from './test-support/loopback-server';
import { closedPort, SilentServer } from './test-support/silent-server';
import { testCaller } from './test-support/test-caller';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('HttpCaller reliability', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  async function start(
    handler: Parameters<typeof LoopbackServer.start>[0],
  ): Promise<LoopbackServer> {
    const server = await LoopbackServer.start(handler);
    servers.push(server);
    return server;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe('timeouts', () => {
    it('should time out a slow response after the read timeout', async () => {
      const server = await start(async (_req, res) => {
        await wait(1500);
        res.end('late');
      });
      const { caller } = testCaller({
        integrations: [
          httpIntegration(server.url('/'), {
            timeout: { connect_ms: 1000, read_ms: 100 },
            retry: { max_attempts: 1 },
          }),
        ],
      });
      const started = Date.now();
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/slow' }),
        {},
      );
      expect(result).toMatchObject({
        status_code: 0,
        error: 'timeout',
        error_code: 'timeout',
        attempts: 1,
      });
      expect(Date.now() - started).toBeLessThan(1200);
    });

    it('should let the action timeout_ms override the integration read timeout', async () => {
      const server = await start(async (_req, res) => {
        await wait(300);
        res.end('fine');
      });
      const { caller } = testCaller({
        integrations: [
          httpIntegration(server.url('/'), {
            timeout: { connect_ms: 1000, read_ms: 50 },
            retry: { max_attempts: 1 },
          }),
        ],
      });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/', timeout_ms: 3000 }),
        {},
      );
      expect(result).toMatchObject({ status_code: 200, body: 'fine' });
    });

    it('should time out a body that trickles in past the read timeout', async () => {
      const server = await start(async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('start');
        await wait(1500);
        res.end('end');
      });
      const { caller } = testCaller({ defaults: { read_ms: 150, retry: { max_attempts: 1 } } });
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {});
      expect(result).toMatchObject({ status_code: 0, error_code: 'timeout' });
    });

    it('should time out a connection that never completes (TLS handshake) after the connect timeout, and retry it even for POST', async () => {
      const silent = await SilentServer.start();
      servers.push(silent);
      const { caller } = testCaller({ defaults: { connect_ms: 100, read_ms: 5000 } });
      const started = Date.now();
      const result = await caller.call(
        apiCallRequest({
          url: `https://127.0.0.1:${silent.port}/x`,
          method: 'POST',
          retry: { max_attempts: 2 },
        }),
        {},
      );
      expect(result).toMatchObject({ status_code: 0, error_code: 'timeout', attempts: 2 });
      expect(silent.connections).toBe(2);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('should report a refused connection as network_error, retrying POST since nothing was sent', async () => {
      const port = await closedPort();
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({ url: `http://127.0.0.1:${port}/x`, method: 'POST' }),
        {},
      );
      expect(result).toMatchObject({
        status_code: 0,
        error: 'network_error',
        error_code: 'network_error',
        attempts: 3,
      });
      expect((result.trace!.attempts as Array<{ cause?: string }>)[0].cause).toBe('ECONNREFUSED');
    });

    it('should report a DNS failure as network_error', async () => {
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({ url: 'http://unknown-host.test/x', retry: { max_attempts: 1 } }),
        {},
      );
      expect(result).toMatchObject({ status_code: 0, error_code: 'network_error', attempts: 1 });
    });

    it('should not retry a POST whose connection dropped after the request was sent', async () => {
      const server = await start((_req, res) => {
        res.socket?.destroy();
      });
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), method: 'POST' }),
        {},
      );
      expect(result).toMatchObject({ status_code: 0, error_code: 'network_error', attempts: 1 });
      expect(server.requests).toHaveLength(1);
    });

    it('should not retry a POST that timed out waiting for the reply', async () => {
      const server = await start(async (_req, res) => {
        await wait(1000);
        res.end();
      });
      const { caller } = testCaller({ defaults: { read_ms: 100 } });
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), method: 'POST' }),
        {},
      );
      expect(result).toMatchObject({ error_code: 'timeout', attempts: 1 });
    });
  });

  describe('retries', () => {
    it.each<[HttpMethod, number, number]>([
      ['GET', 500, 3],
      ['HEAD', 502, 3],
      ['OPTIONS', 504, 3],
      ['PUT', 503, 3],
      ['DELETE', 500, 3],
      ['GET', 429, 3],
      ['GET', 404, 1],
      ['GET', 400, 1],
      ['POST', 500, 1],
      ['POST', 502, 1],
      ['POST', 503, 3],
      ['POST', 429, 3],
      ['PATCH', 500, 1],
      ['PATCH', 503, 3],
    ])('should send %s answered %i %i time(s)', async (method, status, expected) => {
      const server = await start((_req, res) => json(res, status, { failed: true }));
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: server.url('/'), method }), {});
      expect(server.requests).toHaveLength(expected);
      expect(result).toMatchObject({
        status_code: status,
        attempts: expected,
        error: `HTTP ${status}`,
      });
      expect(result.trace!.attempts).toHaveLength(expected);
    });

    it('should keep the request id and Idempotency-Key across the retries of one call', async () => {
      const server = await start((_req, res, count) =>
        count < 3 ? json(res, 503, {}) : json(res, 201, { id: 9 }),
      );
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), method: 'POST' }),
        {},
      );
      expect(result).toMatchObject({ status_code: 201, body: { id: 9 }, attempts: 3 });
      expect(result.error).toBeUndefined();
      const ids = server.requests.map((r) => r.headers['x-sarufi-request-id']);
      expect(new Set(ids).size).toBe(1);
      expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(ids);
      expect(result.trace!.request_id).toBe(ids[0]);
    });

    it('should follow max_attempts from the integration, and from the action over it', async () => {
      const server = await start((_req, res) => json(res, 500, {}));
      const { caller } = testCaller({
        integrations: [
          httpIntegration(server.url('/'), { retry: { max_attempts: 2, initial_delay_ms: 1 } }),
        ],
        breaker: { failureThreshold: 100 },
      });
      await caller.call(apiCallRequest({ integration: 'my_backend', path: '/' }), {});
      expect(server.requests).toHaveLength(2);
      await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/', retry: { max_attempts: 4 } }),
        {},
      );
      expect(server.requests).toHaveLength(6);
    });

    it('should narrow retries to the `on` list', async () => {
      const server = await start((_req, res) => json(res, 500, {}));
      const { caller } = testCaller();
      await caller.call(
        apiCallRequest({ url: server.url('/'), retry: { on: ['503', 'timeout'] } }),
        {},
      );
      expect(server.requests).toHaveLength(1);
    });

    it('should wait as long as Retry-After asks (seconds), within the cap', async () => {
      const server = await start((_req, res, count) =>
        count === 1 ? json(res, 503, {}, { 'Retry-After': '1' }) : json(res, 200, { ok: 1 }),
      );
      const { caller } = testCaller();
      const started = Date.now();
      const result = await caller.call(
        apiCallRequest({
          url: server.url('/'),
          retry: { max_delay_ms: 3000, initial_delay_ms: 1 },
        }),
        {},
      );
      expect(result).toMatchObject({ status_code: 200, attempts: 2 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('should cap a long Retry-After (HTTP date) at max_delay_ms', async () => {
      const later = new Date(Date.now() + 60_000).toUTCString();
      const server = await start((_req, res, count) =>
        count === 1 ? json(res, 429, {}, { 'Retry-After': later }) : json(res, 200, {}),
      );
      const { caller } = testCaller();
      const started = Date.now();
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), retry: { max_delay_ms: 50 } }),
        {},
      );
      expect(result).toMatchObject({ status_code: 200, attempts: 2 });
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('should space attempts with backoff', async () => {
      const server = await start((_req, res) => json(res, 500, {}));
      const { caller } = testCaller({ random: () => 0.999 });
      const started = Date.now();
      await caller.call(
        apiCallRequest({
          url: server.url('/'),
          retry: { initial_delay_ms: 100, max_delay_ms: 1000 },
        }),
        {},
      );
      // ~100 ms + ~200 ms of backoff with jitter pinned near its maximum.
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    });
  });

  describe('circuit breaker', () => {
    it('should open after consecutive failures, fail fast, then half-open after the cool-down and close on success', async () => {
      let healthy = false;
      const server = await start((_req, res) =>
        healthy ? json(res, 200, { up: true }) : json(res, 500, {}),
      );
      let now = 1_000_000;
      const { caller } = testCaller({
        breaker: { failureThreshold: 2, coolDownMs: 10_000, now: () => now },
      });
      const request = apiCallRequest({ url: server.url('/'), retry: { max_attempts: 1 } });

      expect((await caller.call(request, {})).status_code).toBe(500);
      expect((await caller.call(request, {})).status_code).toBe(500);
      const fast = await caller.call(request, {});
      expect(fast).toMatchObject({
        status_code: 0,
        error: 'circuit_open',
        error_code: 'circuit_open',
        attempts: 0,
      });
      expect(server.requests).toHaveLength(2);

      now += 10_000;
      healthy = true;
      expect(await caller.call(request, {})).toMatchObject({
        status_code: 200,
        body: { up: true },
      });
      expect(await caller.call(request, {})).toMatchObject({ status_code: 200 });
      expect(server.requests).toHaveLength(4);
    });

    it('should reopen when the half-open trial fails', async () => {
      const server = await start((_req, res) => json(res, 503, {}));
      let now = 0;
      const { caller } = testCaller({
        breaker: { failureThreshold: 1, coolDownMs: 1000, now: () => now },
      });
      const request = apiCallRequest({ url: server.url('/'), retry: { max_attempts: 1 } });
      await caller.call(request, {});
      now += 1000;
      await caller.call(request, {});
      expect(server.requests).toHaveLength(2);
      expect(await caller.call(request, {})).toMatchObject({ error_code: 'circuit_open' });
    });

    it('should count timeouts and network errors, but not 4xx', async () => {
      const port = await closedPort();
      const { caller } = testCaller({ breaker: { failureThreshold: 2 } });
      const refused = apiCallRequest({
        url: `http://127.0.0.1:${port}/`,
        retry: { max_attempts: 2 },
      });
      expect(await caller.call(refused, {})).toMatchObject({
        error_code: 'network_error',
        attempts: 2,
      });
      expect(await caller.call(refused, {})).toMatchObject({ error_code: 'circuit_open' });

      const server = await start((_req, res) => json(res, 404, {}));
      const notFound = apiCallRequest({ url: server.url('/'), retry: { max_attempts: 1 } });
      for (let i = 0; i < 3; i++) expect((await caller.call(notFound, {})).status_code).toBe(404);
    });

    it('should stop retrying when the circuit opens mid-call and return the last attempt', async () => {
      const server = await start((_req, res) => json(res, 500, {}));
      const { caller } = testCaller({ breaker: { failureThreshold: 2 } });
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), retry: { max_attempts: 5 } }),
        {},
      );
      expect(result).toMatchObject({ status_code: 500, attempts: 2, error: 'HTTP 500' });
    });
  });

  describe('response size', () => {
    it('should cut off a chunked response past max_response_bytes', async () => {
      const server = await start((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 50; i++) res.write('x'.repeat(100));
        res.end();
      });
      const { caller } = testCaller({
        integrations: [httpIntegration(server.url('/'), { max_response_bytes: 1000 })],
      });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/', include_raw: true }),
        {},
      );
      expect(result).toMatchObject({
        status_code: 200,
        error: 'response_too_large',
        error_code: 'response_too_large',
        attempts: 1,
      });
      expect(result.body).toBeUndefined();
    });

    it('should refuse a declared Content-Length past the cap without reading it', async () => {
      const server = await start((_req, res) => {
        res.writeHead(200, { 'content-length': 5000 });
        res.end('y'.repeat(5000));
      });
      const { caller } = testCaller({ defaults: { max_response_bytes: 100 } });
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {});
      expect(result).toMatchObject({ error_code: 'response_too_large', attempts: 1 });
    });

    it("should not take a HEAD reply's Content-Length for a body", async () => {
      const server = await start((_req, res) => {
        res.writeHead(200, { 'content-length': 5000 });
        res.end();
      });
      const { caller } = testCaller({ defaults: { max_response_bytes: 100 } });
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), method: 'HEAD' }),
        {},
      );
      expect(result).toMatchObject({ status_code: 200, body: undefined });
      expect(result.error).toBeUndefined();
    });

    it('should accept a response exactly at the cap', async () => {
      const server = await start((_req, res) => res.end('z'.repeat(100)));
      const { caller } = testCaller({ defaults: { max_response_bytes: 100 } });
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {});
      expect(result).toMatchObject({ status_code: 200, body: 'z'.repeat(100) });
    });
  });

  describe('deadline', () => {
    it('should not start when the deadline has already passed', async () => {
      const server = await start((_req, res) => json(res, 200, {}));
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {
        deadline: Date.now() - 1,
      });
      expect(result).toMatchObject({
        status_code: 0,
        error_code: 'deadline_exceeded',
        attempts: 0,
      });
      expect(server.requests).toHaveLength(0);
    });

    it('should cut an attempt short at the deadline', async () => {
      const server = await start(async (_req, res) => {
        await wait(2000);
        res.end();
      });
      const { caller } = testCaller({ defaults: { read_ms: 10_000 } });
      const started = Date.now();
      const result = await caller.call(apiCallRequest({ url: server.url('/') }), {
        deadline: Date.now() + 300,
      });
      expect(result).toMatchObject({
        status_code: 0,
        error: 'deadline_exceeded',
        error_code: 'deadline_exceeded',
        attempts: 1,
      });
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('should not take a backoff that would pass the deadline', async () => {
      const server = await start((_req, res) => json(res, 503, {}, { 'Retry-After': '2' }));
      const { caller } = testCaller();
      const started = Date.now();
      const result = await caller.call(
        apiCallRequest({ url: server.url('/'), retry: { max_delay_ms: 5000 } }),
        { deadline: Date.now() + 800 },
      );
      expect(result).toMatchObject({ status_code: 503, attempts: 1, error: 'HTTP 503' });
      expect(Date.now() - started).toBeLessThan(700);
    });

    it('should retry within the deadline and stop at it', async () => {
      const server = await start(async (_req, res) => {
        await wait(150);
        json(res, 500, {});
      });
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({
          url: server.url('/'),
          retry: { max_attempts: 10, initial_delay_ms: 1, max_delay_ms: 5 },
        }),
        { deadline: Date.now() + 400 },
      );
      expect(result.attempts).toBeGreaterThanOrEqual(1);
      expect(result.attempts).toBeLessThan(10);
      expect(result.duration_ms).toBeLessThan(1500);
    });
  });
});
