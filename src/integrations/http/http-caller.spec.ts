import { gzipSync } from 'node:zlib';
import type { HttpMethod } from '../../engine/ports';
import type { HttpIntegrationConfig } from './http-integration';
import { apiCallRequest, httpIntegration } from './test-support/api-call-request';
import { json, LoopbackServer } from './test-support/loopback-server';
import { testCaller } from './test-support/test-caller';

describe('HttpCaller', () => {
  let server: LoopbackServer;
  let backend: HttpIntegrationConfig;

  beforeEach(async () => {
    server = await LoopbackServer.start();
    backend = httpIntegration(server.url('/v1'));
  });
  afterEach(async () => {
    await server.close();
  });

  describe('call › request shape', () => {
    it('should call the integration base URL + path with the X-Sarufi-* headers and parse the JSON reply', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const result = await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/orders/42',
          context: {
            user_id: '255700000001',
            chatbot_id: '01CHATBOT',
            session_id: '01SESSION',
            channel: 'whatsapp',
            state: 'fetch_order',
            flow_name: 'orders',
            user_name: 'Asha',
          },
        }),
        {},
      );

      expect(result).toMatchObject({ status_code: 200, body: { ok: true }, attempts: 1 });
      expect(result.error).toBeUndefined();
      expect(result.error_code).toBeUndefined();
      expect(result.headers['content-type']).toBe('application/json');
      const seen = server.last!;
      expect(seen.method).toBe('GET');
      expect(seen.url).toBe('/v1/orders/42');
      expect(seen.headers).toMatchObject({
        'x-sarufi-user-id': '255700000001',
        'x-sarufi-chatbot-id': '01CHATBOT',
        'x-sarufi-session-id': '01SESSION',
        'x-sarufi-channel': 'whatsapp',
        'x-sarufi-state': 'fetch_order',
        'x-sarufi-flow-name': 'orders',
        'x-sarufi-user-name': 'Asha',
        'user-agent': 'sarufi-gateway/0.1.0 (test)',
      });
      expect(seen.headers['x-sarufi-request-id']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(seen.headers['idempotency-key']).toBeUndefined();
      expect(result.trace).toMatchObject({
        method: 'GET',
        url: `${server.url('/v1/orders/42')}`,
        request_id: seen.headers['x-sarufi-request-id'],
        attempts: [{ attempt: 1, status_code: 200 }],
      });
    });

    it('should give every call a new request id', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      await caller.call(apiCallRequest({ integration: 'my_backend', path: '/a' }), {});
      await caller.call(apiCallRequest({ integration: 'my_backend', path: '/a' }), {});
      expect(server.requests[0].headers['x-sarufi-request-id']).not.toBe(
        server.requests[1].headers['x-sarufi-request-id'],
      );
    });

    it('should use a request id given by the caller (outbox redelivery), and make one for an unusable id', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const given = await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/a',
          method: 'POST',
          request_id: '01OUTBOXROW',
        }),
        {},
      );
      expect(server.last!.headers['x-sarufi-request-id']).toBe('01OUTBOXROW');
      expect(server.last!.headers['idempotency-key']).toBe('01OUTBOXROW');
      expect(given.trace!.request_id).toBe('01OUTBOXROW');
      await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/a', request_id: 'bad\r\nid' }),
        {},
      );
      expect(server.last!.headers['x-sarufi-request-id']).toMatch(/^[0-9A-Z]{26}$/);
    });

    it.each<[HttpMethod, boolean, boolean]>([
      ['GET', false, false],
      ['POST', true, true],
      ['PUT', true, false],
      ['PATCH', true, true],
      ['DELETE', false, false],
      ['HEAD', false, false],
      ['OPTIONS', false, false],
    ])(
      'should send %s (body: %s, Idempotency-Key: %s)',
      async (method, hasBody, idempotencyKey) => {
        const { caller } = testCaller({ integrations: [backend] });
        const result = await caller.call(
          apiCallRequest({
            integration: 'my_backend',
            path: '/items/7',
            method,
            body: { extra: 'x' },
          }),
          {},
        );
        const seen = server.last!;
        expect(seen.method).toBe(method);
        expect(result.status_code).toBe(200);
        if (hasBody) {
          expect(JSON.parse(seen.text)).toEqual({
            message: { type: 'text', text: 'hello' },
            variables: { order_id: '42' },
            extra: 'x',
          });
          expect(seen.headers['content-type']).toBe('application/json');
        } else {
          expect(seen.body.length).toBe(0);
          expect(seen.headers['content-type']).toBeUndefined();
        }
        if (idempotencyKey)
          expect(seen.headers['idempotency-key']).toBe(seen.headers['x-sarufi-request-id']);
        else expect(seen.headers['idempotency-key']).toBeUndefined();
        if (method === 'HEAD') expect(result.body).toBeUndefined();
      },
    );

    it.each([
      [{ type: 'none' as const }, {}],
      [{ type: 'bearer' as const, token: 'tok-1' }, { authorization: 'Bearer tok-1' }],
      [
        { type: 'basic' as const, username: 'ali', password: 'pw:1' },
        { authorization: `Basic ${Buffer.from('ali:pw:1').toString('base64')}` },
      ],
      [
        { type: 'api_key' as const, in: 'header' as const, name: 'X-Api-Key', key: 'k-1' },
        { 'x-api-key': 'k-1' },
      ],
      [
        { type: 'headers' as const, headers: { 'X-Secret-A': 'a-1', 'X-Secret-B': 'b-1' } },
        { 'x-secret-a': 'a-1', 'x-secret-b': 'b-1' },
      ],
    ])('should authenticate with %o', async (auth, expectedHeaders) => {
      const { caller } = testCaller({ integrations: [{ ...backend, auth }] });
      await caller.call(apiCallRequest({ integration: 'my_backend', path: '/x' }), {});
      expect(server.last!.headers).toMatchObject(expectedHeaders);
      if (auth.type === 'none') expect(server.last!.headers.authorization).toBeUndefined();
    });

    it('should put a query api_key in the URL, over any declared parameter of the same name', async () => {
      const { caller } = testCaller({
        integrations: [
          { ...backend, auth: { type: 'api_key', in: 'query', name: 'key', key: 'k+1/2' } },
        ],
      });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/x', query: { key: 'mine', q: '1' } }),
        {},
      );
      expect(server.last!.url).toBe('/v1/x?q=1&key=k%2B1%2F2');
      expect(result.trace!.url).toBe(server.url('/v1/x?q=***&key=***'));
    });

    it('should merge integration headers and query under the declared ones', async () => {
      const { caller } = testCaller({
        integrations: [
          {
            ...backend,
            headers: { 'X-Tenant': 'acme', 'X-Region': 'tz' },
            query: { lang: 'sw', v: '1' },
          },
        ],
      });
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/x',
          query: { v: '2', extra: 'e' },
          headers: {
            'x-tenant': 'globex',
            'X-Sarufi-User-Id': 'spoofed',
            'X-SARUFI-CHATBOT-ID': 'spoofed',
          },
        }),
        {},
      );
      const seen = server.last!;
      expect(seen.url).toBe('/v1/x?lang=sw&v=2&extra=e');
      expect(seen.headers).toMatchObject({
        'x-tenant': 'globex',
        'x-region': 'tz',
        'x-sarufi-user-id': '255700000001',
        'x-sarufi-chatbot-id': '01CHATBOT',
      });
      expect(seen.rawHeaders.filter((h) => h.toLowerCase() === 'x-tenant')).toHaveLength(1);
    });

    it('should keep hostile values that the engine already encoded encoded exactly once', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const hostile = '../admin?role=root&x=1#frag';
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: `/users/${encodeURIComponent(hostile)}/orders`,
          query: { q: encodeURIComponent(hostile), plain: 'a b' },
        }),
        {},
      );
      const seen = server.last!;
      const url = new URL(seen.url, 'http://x');
      expect(url.pathname).toBe(`/v1/users/${encodeURIComponent(hostile)}/orders`);
      expect([...url.searchParams.entries()]).toEqual([
        ['q', hostile],
        ['plain', 'a b'],
      ]);
    });

    it('should send a form body flattened', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/f',
          method: 'POST',
          body_type: 'form',
          body: { customer: { name: 'Asha M', tags: ['a', 'b'] } },
        }),
        {},
      );
      const seen = server.last!;
      expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect([...new URLSearchParams(seen.text).entries()]).toEqual([
        ['message[type]', 'text'],
        ['message[text]', 'hello'],
        ['variables[order_id]', '42'],
        ['customer[name]', 'Asha M'],
        ['customer[tags][0]', 'a'],
        ['customer[tags][1]', 'b'],
      ]);
    });

    it('should send a multipart body', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/m',
          method: 'PUT',
          body_type: 'multipart',
          auto_body: false,
          body: { doc: { kind: 'id' }, note: 'hi there' },
        }),
        {},
      );
      const seen = server.last!;
      expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      const form = await new Response(new Uint8Array(seen.body), {
        headers: { 'content-type': seen.headers['content-type']! },
      }).formData();
      expect([...form.entries()]).toEqual([
        ['doc[kind]', 'id'],
        ['note', 'hi there'],
      ]);
    });

    it('should send a text body as text/plain', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/t',
          method: 'POST',
          body_type: 'text',
          body: 'just words',
        }),
        {},
      );
      expect(server.last!.text).toBe('just words');
      expect(server.last!.headers['content-type']).toBe('text/plain; charset=utf-8');
    });

    it('should send nothing with body_type none or auto_body false without a body', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/n',
          method: 'POST',
          body_type: 'none',
        }),
        {},
      );
      expect(server.last!.body.length).toBe(0);
      await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/n', method: 'POST', auto_body: false }),
        {},
      );
      expect(server.last!.body.length).toBe(0);
    });

    it('should call a legacy URL with the query merged in', async () => {
      const { caller } = testCaller();
      const result = await caller.call(
        apiCallRequest({ url: server.url('/hook?a=1'), query: { b: '2' } }),
        {},
      );
      expect(result.status_code).toBe(200);
      expect(server.last!.url).toBe('/hook?a=1&b=2');
    });

    it('should report an unknown integration without sending anything', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const result = await caller.call(apiCallRequest({ integration: 'nope', path: '/x' }), {});
      expect(result).toMatchObject({
        status_code: 0,
        error: 'unknown_integration',
        error_code: 'unknown_integration',
        attempts: 0,
      });
      expect(server.requests).toHaveLength(0);
    });

    it('should refuse a header with CR/LF without sending anything', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const result = await caller.call(
        apiCallRequest({
          integration: 'my_backend',
          path: '/x',
          headers: { 'X-Note': 'a\r\nX-Admin: true' },
        }),
        {},
      );
      expect(result).toMatchObject({
        status_code: 0,
        error_code: 'invalid_header',
        error: 'invalid_header',
        attempts: 0,
      });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('call › response', () => {
    it.each([
      ['application/json', '{"a":[1,2]}', { a: [1, 2] }],
      ['application/problem+json', '{"title":"x"}', { title: 'x' }],
      ['text/plain', '{"looks":"json"}', { looks: 'json' }],
      ['text/plain', 'plain text', 'plain text'],
      ['text/html', '', undefined],
    ])('should parse %s %p', async (contentType, payload, expected) => {
      const local = await LoopbackServer.start((_req, res) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(payload);
      });
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: local.url('/') }), {});
      await local.close();
      expect(result.body).toEqual(expected);
      expect(result.raw).toBeUndefined();
    });

    it('should return the raw text only with include_raw', async () => {
      const { caller } = testCaller({ integrations: [backend] });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/', include_raw: true }),
        {},
      );
      expect(result.raw).toBe('{"ok":true}');
    });

    it('should decompress a gzip response', async () => {
      const local = await LoopbackServer.start((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(Buffer.from('{"zipped":true}')));
      });
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: local.url('/') }), {});
      await local.close();
      expect(result.body).toEqual({ zipped: true });
    });

    it('should report a non-2xx reply as "HTTP <status>" with its parsed body', async () => {
      const local = await LoopbackServer.start((_req, res) =>
        json(res, 404, { detail: 'no such order' }, { 'X-Trace': 't1' }),
      );
      const { caller } = testCaller();
      const result = await caller.call(apiCallRequest({ url: local.url('/orders/1') }), {});
      await local.close();
      expect(result).toMatchObject({
        status_code: 404,
        error: 'HTTP 404',
        body: { detail: 'no such order' },
        attempts: 1,
      });
      expect(result.error_code).toBeUndefined();
      expect(result.headers['x-trace']).toBe('t1');
    });

    it('should remove credential headers from the reply', async () => {
      const local = await LoopbackServer.start((_req, res) => {
        res.setHeader('Set-Cookie', ['sid=1', 'x=2']);
        res.setHeader('WWW-Authenticate', 'Basic realm="x"');
        res.setHeader('X-Api-Key', 'echoed');
        res.setHeader('X-Kept', 'yes');
        res.end('ok');
      });
      const { caller } = testCaller({
        integrations: [
          {
            ...httpIntegration(local.url('/')),
            auth: { type: 'api_key', in: 'header', name: 'X-Api-Key', key: 'k' },
          },
        ],
      });
      const result = await caller.call(
        apiCallRequest({ integration: 'my_backend', path: '/' }),
        {},
      );
      await local.close();
      expect(result.headers['x-kept']).toBe('yes');
      expect(result.headers['set-cookie']).toBeUndefined();
      expect(result.headers['www-authenticate']).toBeUndefined();
      expect(result.headers['x-api-key']).toBeUndefined();
    });
  });

  describe('call › logging', () => {
    it('should log each call with its request id, info on success and warn on failure', async () => {
      const { caller, logs } = testCaller({ integrations: [backend] });
      await caller.call(apiCallRequest({ integration: 'my_backend', path: '/ok' }), {});
      await caller.call(apiCallRequest({ integration: 'nope', path: '/x' }), {});
      expect(logs.map((l) => l.level)).toEqual(['info', 'warn']);
      expect(logs[0].obj).toMatchObject({
        request_id: server.last!.headers['x-sarufi-request-id'],
        method: 'GET',
        status_code: 200,
        attempts: 1,
      });
      expect(logs[1].obj).toMatchObject({ error_code: 'unknown_integration' });
    });
  });
});
