import { buildHttpRequest, type BuildInput, type PreparedRequest } from './request-builder';
import { apiCallRequest, httpIntegration } from './test-support/api-call-request';

function build(input: Partial<BuildInput>): ReturnType<typeof buildHttpRequest> {
  return buildHttpRequest({
    request: apiCallRequest(),
    integration: null,
    requestId: '01REQUEST',
    userAgent: 'sarufi-gateway/0.1.0',
    ...input,
  });
}

function ok(input: Partial<BuildInput>): PreparedRequest {
  const result = build(input);
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.reason}`);
  return result.request;
}

function header(prepared: PreparedRequest, name: string): string | undefined {
  const entry = Object.entries(prepared.headers).find(
    ([key]) => key.toLowerCase() === name.toLowerCase(),
  );
  return entry?.[1];
}

describe('buildHttpRequest', () => {
  describe('URL', () => {
    it.each([
      ['https://api.test/v1', '/orders/42', 'https://api.test/v1/orders/42'],
      ['https://api.test/v1/', '/orders/42', 'https://api.test/v1/orders/42'],
      ['https://api.test/v1', 'orders/42', 'https://api.test/v1/orders/42'],
      ['https://api.test', '/orders', 'https://api.test/orders'],
      ['https://api.test/v1', '', 'https://api.test/v1'],
      ['https://api.test/v1', '/a%2F..%2Fb', 'https://api.test/v1/a%2F..%2Fb'],
      ['https://api.test/v1', '@evil.test/x', 'https://api.test/v1/@evil.test/x'],
    ])('should join %s and %s', (base, path, expected) => {
      const prepared = ok({
        integration: httpIntegration(base),
        request: apiCallRequest({ integration: 'b', path }),
      });
      expect(prepared.url.href).toBe(expected);
    });

    it.each(['/../admin', '/x/../../admin', '/%2e%2e/admin'])(
      'should refuse a path %s that climbs above the base path',
      (path) => {
        const result = build({
          integration: httpIntegration('https://api.test/v1'),
          request: apiCallRequest({ integration: 'b', path }),
        });
        expect(result).toMatchObject({ ok: false, code: 'invalid_request' });
      },
    );

    it('should accept a lower-case method and refuse an unknown one', () => {
      const lower = ok({
        request: apiCallRequest({ url: 'https://api.test', method: 'post' as never }),
      });
      expect(lower.method).toBe('POST');
      expect(lower.body).toBeDefined();
      expect(
        build({ request: apiCallRequest({ url: 'https://api.test', method: 'TRACE' as never }) }),
      ).toMatchObject({
        ok: false,
        code: 'invalid_request',
      });
    });

    it('should refuse non-HTTP URLs and a missing or doubled target', () => {
      expect(build({ request: apiCallRequest({ url: 'file:///etc/passwd' }) })).toMatchObject({
        ok: false,
        code: 'invalid_request',
      });
      expect(build({ request: apiCallRequest({ url: 'data:text/plain,hi' }) })).toMatchObject({
        ok: false,
        code: 'invalid_request',
      });
      expect(build({ request: apiCallRequest({ url: 'not a url' }) })).toMatchObject({
        ok: false,
        code: 'invalid_request',
      });
      expect(build({ request: apiCallRequest({}) })).toMatchObject({
        ok: false,
        code: 'invalid_request',
      });
      expect(
        build({
          integration: httpIntegration('https://api.test'),
          request: apiCallRequest({ integration: 'b', url: 'https://x.test' }),
        }),
      ).toMatchObject({ ok: false, code: 'invalid_request' });
    });

    it('should merge query: URL < integration < action < api_key, keeping encoded values encoded', () => {
      const prepared = ok({
        integration: httpIntegration('https://api.test/v1?fixed=1', {
          query: { lang: 'sw', shared: 'integration value', api_key: 'nope' },
          auth: { type: 'api_key', in: 'query', name: 'api_key', key: 'k&y=1' },
        }),
        request: apiCallRequest({
          integration: 'b',
          path: '/search?lang=en&keep=1',
          query: { shared: 'action', q: encodeURIComponent('a&b=c/../d'), raw: 'x y&z' },
        }),
      });
      expect(prepared.url.search).toBe(
        '?fixed=1&keep=1&lang=sw&shared=action&q=a%26b%3Dc%2F..%2Fd&raw=x%20y%26z&api_key=k%26y%3D1',
      );
      expect(prepared.secrets.queryParams.has('api_key')).toBe(true);
    });

    it('should turn credentials in a legacy URL into Basic auth and strip them', () => {
      const prepared = ok({
        request: apiCallRequest({ url: 'https://al%40ice:pa%3Ass@api.test/x' }),
      });
      expect(prepared.url.href).toBe('https://api.test/x');
      expect(header(prepared, 'authorization')).toBe(
        `Basic ${Buffer.from('al@ice:pa:ss').toString('base64')}`,
      );
      expect(prepared.secrets.values).toEqual(expect.arrayContaining(['al@ice', 'pa:ss']));
    });
  });

  describe('headers', () => {
    it('should add X-Sarufi-* headers from the context, only when known', () => {
      const bare = ok({ request: apiCallRequest({ url: 'https://api.test' }) });
      expect(header(bare, 'X-Sarufi-User-Id')).toBe('255700000001');
      expect(header(bare, 'X-Sarufi-Chatbot-Id')).toBe('01CHATBOT');
      expect(header(bare, 'X-Sarufi-Session-Id')).toBe('01SESSION');
      expect(header(bare, 'X-Sarufi-Request-Id')).toBe('01REQUEST');
      expect(header(bare, 'X-Sarufi-Channel')).toBeUndefined();
      expect(header(bare, 'X-Sarufi-State')).toBeUndefined();
      expect(header(bare, 'User-Agent')).toBe('sarufi-gateway/0.1.0');
      expect(header(bare, 'Idempotency-Key')).toBeUndefined();

      const full = ok({
        request: apiCallRequest({
          url: 'https://api.test',
          method: 'PATCH',
          context: {
            user_id: 'u',
            chatbot_id: 'c',
            session_id: 's',
            channel: 'ussd',
            state: 'fetch_order',
            flow_name: 'orders',
            user_name: 'Asha\r\nX-Evil: 1',
          },
        }),
      });
      expect(header(full, 'X-Sarufi-Channel')).toBe('ussd');
      expect(header(full, 'X-Sarufi-State')).toBe('fetch_order');
      expect(header(full, 'X-Sarufi-Flow-Name')).toBe('orders');
      expect(header(full, 'X-Sarufi-User-Name')).toBe('Asha  X-Evil: 1');
      expect(header(full, 'Idempotency-Key')).toBe('01REQUEST');
    });

    it('should let declared headers override integration and auth headers but never X-Sarufi-* or framing', () => {
      const prepared = ok({
        integration: httpIntegration('https://api.test', {
          headers: { 'X-Tenant': 'acme', 'X-Sarufi-Chatbot-Id': 'spoof' },
          auth: { type: 'bearer', token: 't' },
        }),
        request: apiCallRequest({
          integration: 'b',
          headers: {
            'x-tenant': 'other',
            'x-sarufi-user-id': 'spoof',
            Host: 'evil.test',
            'Content-Length': '0',
            Accept: 'text/csv',
          },
        }),
      });
      expect(header(prepared, 'X-Tenant')).toBe('other');
      expect(
        Object.keys(prepared.headers).filter((n) => n.toLowerCase() === 'x-tenant'),
      ).toHaveLength(1);
      expect(header(prepared, 'X-Sarufi-User-Id')).toBe('255700000001');
      expect(header(prepared, 'X-Sarufi-Chatbot-Id')).toBe('01CHATBOT');
      expect(header(prepared, 'Host')).toBeUndefined();
      expect(header(prepared, 'Content-Length')).toBeUndefined();
      expect(header(prepared, 'Accept')).toBe('text/csv');
    });

    it.each([
      ['a declared value with CR/LF', { headers: { 'X-A': 'v\r\nX-Injected: 1' } }, {}],
      ['a declared value with a bare LF', { headers: { 'X-A': 'v\nb' } }, {}],
      ['a declared name with CR/LF', { headers: { 'X-A\r\nX-B': 'v' } }, {}],
      ['a declared name with a space', { headers: { 'X A': 'v' } }, {}],
      ['an integration header value with CR/LF', {}, { headers: { 'X-T': 'a\r\nb' } }],
      ['a bearer token with CR/LF', {}, { auth: { type: 'bearer' as const, token: 'a\nb' } }],
    ])('should refuse %s as invalid_header', (_label, requestPart, integrationPart) => {
      const result = build({
        integration: httpIntegration('https://api.test', integrationPart),
        request: apiCallRequest({ integration: 'b', ...requestPart }),
      });
      expect(result).toMatchObject({ ok: false, code: 'invalid_header' });
    });

    it('should send non-Latin-1 header text as UTF-8 bytes', () => {
      const prepared = ok({
        request: apiCallRequest({ url: 'https://api.test', headers: { 'X-Name': 'Zoë 名' } }),
      });
      expect(Buffer.from(header(prepared, 'X-Name')!, 'latin1').toString('utf8')).toBe('Zoë 名');
    });
  });

  describe('auth', () => {
    it.each([
      [{ type: 'bearer' as const, token: 'tok' }, 'Authorization', 'Bearer tok'],
      [
        { type: 'basic' as const, username: 'u', password: 'p' },
        'Authorization',
        `Basic ${Buffer.from('u:p').toString('base64')}`,
      ],
      [
        { type: 'api_key' as const, in: 'header' as const, name: 'X-Api-Key', key: 'k' },
        'X-Api-Key',
        'k',
      ],
      [{ type: 'headers' as const, headers: { 'X-Secret-A': 'a1' } }, 'X-Secret-A', 'a1'],
    ])('should apply %o and record the secret', (auth, name, value) => {
      const prepared = ok({
        integration: httpIntegration('https://api.test', { auth }),
        request: apiCallRequest({ integration: 'b' }),
      });
      expect(header(prepared, name)).toBe(value);
      expect(prepared.secrets.headerNames.has(name.toLowerCase())).toBe(true);
      expect(prepared.secrets.values.length).toBeGreaterThan(0);
    });
  });

  describe('body', () => {
    const post = (overrides: Parameters<typeof apiCallRequest>[0]) =>
      ok({ request: apiCallRequest({ url: 'https://api.test', method: 'POST', ...overrides }) });

    it('should send the auto body with the declared body merged on top', () => {
      const prepared = post({ body: { variables: 'mine', extra: { a: 1 } } });
      expect(JSON.parse((prepared.body as Buffer).toString())).toEqual({
        message: { type: 'text', text: 'hello' },
        variables: 'mine',
        extra: { a: 1 },
      });
      expect(header(prepared, 'content-type')).toBe('application/json');
    });

    it('should send only the declared body when auto_body is false, and nothing when there is none', () => {
      expect(
        JSON.parse((post({ auto_body: false, body: { a: 1 } }).body as Buffer).toString()),
      ).toEqual({ a: 1 });
      expect(post({ auto_body: false }).body).toBeUndefined();
    });

    it('should send a string body as written', () => {
      expect((post({ body: '{"raw":true}' }).body as Buffer).toString()).toBe('{"raw":true}');
      const text = post({ body_type: 'text', body: 'plain words' });
      expect((text.body as Buffer).toString()).toBe('plain words');
      expect(header(text, 'content-type')).toBe('text/plain; charset=utf-8');
    });

    it('should flatten a form body', () => {
      const prepared = post({
        body_type: 'form',
        auto_body: false,
        body: { a: { b: 'x y' }, l: [1, 2] },
      });
      expect((prepared.body as Buffer).toString()).toBe('a%5Bb%5D=x+y&l%5B0%5D=1&l%5B1%5D=2');
      expect(header(prepared, 'content-type')).toBe('application/x-www-form-urlencoded');
    });

    it('should build multipart fields and leave the content type to the encoder', () => {
      const prepared = post({
        body_type: 'multipart',
        headers: { 'Content-Type': 'text/plain' },
        body: { a: { b: 1 } },
      });
      expect(prepared.body).toBeInstanceOf(FormData);
      expect([...(prepared.body as FormData).entries()]).toEqual([
        ['message[type]', 'text'],
        ['message[text]', 'hello'],
        ['variables[order_id]', '42'],
        ['a[b]', '1'],
      ]);
      expect(header(prepared, 'content-type')).toBeUndefined();
    });

    it.each(['GET', 'DELETE', 'HEAD', 'OPTIONS'] as const)(
      'should send no body for %s',
      (method) => {
        const prepared = ok({
          request: apiCallRequest({ url: 'https://api.test', method, body: { a: 1 } }),
        });
        expect(prepared.body).toBeUndefined();
        expect(header(prepared, 'content-type')).toBeUndefined();
      },
    );

    it('should send no body for body_type none', () => {
      expect(post({ body_type: 'none', body: { a: 1 } }).body).toBeUndefined();
    });

    it('should refuse a body that cannot be serialised', () => {
      const result = build({
        request: apiCallRequest({ url: 'https://api.test', method: 'POST', variables: { n: 10n } }),
      });
      expect(result).toMatchObject({ ok: false, code: 'invalid_request' });
    });
  });
});
