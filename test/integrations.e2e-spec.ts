import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyId, SecretBox } from '../src/integrations/crypto/secret-box';
import { json, LoopbackServer } from '../src/integrations/http/test-support/loopback-server';
import { rotateSecrets } from '../src/integrations/rotate-secrets';
import { runNode } from './support/server-process';
import { freshPostgresDatabase, startTestApp, TestApp } from './support/test-app';

const KEYS_CLI = join(__dirname, '..', 'dist', 'src', 'cli', 'keys-rotate.js');

// Every secret used below: none of them may appear in responses, rows or logs.
const TOKEN = 'tok-7f3a9c1e5b2d4f60';
const API_KEY = 'key-0c9e8d7b6a5f4e3d';
const USERNAME = 'user-4b1d7e9a';
const PASSWORD = 'pw-9e2c6a1f0d8b';
const HEADER_SECRET = 'hdr-2a8f6e4c0b1d';
const AUTH_HEADER_SECRET = 'ahs-5d3b1f9e7c2a';
const SECRETS = [TOKEN, API_KEY, USERNAME, PASSWORD, HEADER_SECRET, AUTH_HEADER_SECRET];

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const flowUsing = (integration: string) => ({
  start: 'fetch',
  states: {
    fetch: {
      message: 'Looking that up...',
      actions: [
        {
          type: 'API_CALL',
          integration,
          path: '/orders',
          method: 'GET',
          save_to: 'order',
          success_transition: 'done',
          failure_transition: 'done',
        },
      ],
    },
    done: { message: 'Done.', end: true },
  },
});

/** The same, in the state-list shape. */
const listFlowUsing = (integration: string) => ({
  states: [
    {
      name: 'fetch',
      initial: true,
      message: 'Looking that up...',
      actions: [
        {
          type: 'API_CALL',
          integration,
          path: '',
          save_to: 'order',
          success_transition: 'done',
          failure_transition: 'done',
        },
      ],
    },
    { name: 'done', message: 'Done.', end: true },
  ],
});

const PLAIN_FLOW = { start: 'hi', states: { hi: { message: 'Hi', end: true } } };

/** Echoes what it received (except the secrets a backend would not echo) and records it. */
async function echoServer(): Promise<LoopbackServer> {
  return LoopbackServer.start((req, res) => {
    const status = /\/status\/(\d{3})/.exec(req.url);
    if (status) {
      json(res, Number(status[1]), { failed: true });
      return;
    }
    json(
      res,
      200,
      { ok: true, method: req.method, url: req.url, body: req.text },
      { 'x-backend': 'echo' },
    );
  });
}

describe('Integrations API', () => {
  let t: TestApp;
  let server: LoopbackServer;
  let auth: Record<string, string>;
  let other: Record<string, string>;
  let bot: string;
  let base: string;
  let backendUrl: string;

  beforeAll(async () => {
    server = await echoServer();
    backendUrl = server.url('/api');
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    auth = (await t.newWorkspace()).auth;
    other = (await t.newWorkspace()).auth;
    bot = (
      await t
        .http()
        .post('/api/dev/v1/chatbots')
        .set(auth)
        .send({ name: 'Integrations bot' })
        .expect(201)
    ).body.id;
    base = `/api/dev/v1/chatbots/${bot}/integrations`;
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const create = (body: object, key = auth) => t.http().post(base).set(key).send(body);
  const testCall = (id: string, body: object = {}) =>
    t.http().post(`${base}/${id}/test`).set(auth).send(body);
  const http = (name: string, extra: object = {}) => ({
    type: 'http',
    name,
    base_url: backendUrl,
    ...extra,
  });

  describe('CRUD', () => {
    it('should create with defaults and return the record with secrets masked', async () => {
      const res = await create(
        http('crm', {
          auth: { type: 'bearer', token: TOKEN },
          headers: { 'X-Tenant': HEADER_SECRET },
        }),
      ).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(ULID),
        chatbot_id: bot,
        type: 'http',
        name: 'crm',
        base_url: backendUrl,
        auth: { type: 'bearer', token: '***' },
        headers: { 'X-Tenant': '***' },
        query: {},
        timeout: { connect_ms: 3000, read_ms: 10000 },
        retry: {
          max_attempts: 3,
          initial_delay_ms: 200,
          max_delay_ms: 5000,
          on: ['network_error', 'timeout', '429', '5xx'],
        },
        max_response_bytes: 1048576,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    });

    it('should list, get, patch and delete', async () => {
      const id = (await create(http('crud', { query: { lang: 'sw' } })).expect(201)).body
        .id as string;
      const list = await t.http().get(base).set(auth).expect(200);
      expect(list.body).toMatchObject({ total: expect.any(Number), next_cursor: null });
      expect(list.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({
        name: 'crud',
        query: { lang: 'sw' },
        auth: { type: 'none' },
      });
      const got = await t.http().get(`${base}/${id}`).set(auth).expect(200);
      expect(got.body).toMatchObject({ id, name: 'crud', base_url: backendUrl });

      const patched = await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({
          name: 'crud2',
          timeout: { read_ms: 500 },
          retry: { max_attempts: 1 },
          max_response_bytes: 2048,
        })
        .expect(200);
      expect(patched.body).toMatchObject({
        id,
        name: 'crud2',
        query: { lang: 'sw' },
        timeout: { connect_ms: 3000, read_ms: 500 },
        retry: { max_attempts: 1, initial_delay_ms: 200, max_delay_ms: 5000 },
        max_response_bytes: 2048,
      });
      expect(patched.body.updated_at >= got.body.updated_at).toBe(true);

      await t.http().delete(`${base}/${id}`).set(auth).expect(204);
      await t.http().get(`${base}/${id}`).set(auth).expect(404);
      await t.http().delete(`${base}/${id}`).set(auth).expect(404);
    });

    it('should page the list with limit and cursor', async () => {
      const pagedBot = (
        await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'Paged' }).expect(201)
      ).body.id;
      const pagedBase = `/api/dev/v1/chatbots/${pagedBot}/integrations`;
      for (const name of ['p1', 'p2', 'p3']) {
        await t.http().post(pagedBase).set(auth).send(http(name)).expect(201);
      }
      const first = await t.http().get(`${pagedBase}?limit=2`).set(auth).expect(200);
      expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(['p1', 'p2']);
      expect(first.body.total).toBe(3);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const second = await t
        .http()
        .get(`${pagedBase}?limit=2&cursor=${first.body.next_cursor}`)
        .set(auth)
        .expect(200);
      expect(second.body).toMatchObject({ total: 3, next_cursor: null });
      expect(second.body.items.map((i: { name: string }) => i.name)).toEqual(['p3']);
      await t.http().get(`${pagedBase}?limit=0`).set(auth).expect(400);
    });

    it('should answer 409 to a duplicate name, on create and on rename', async () => {
      await create(http('dup')).expect(201);
      const res = await create(http('dup')).expect(409);
      expect(res.body.detail).toMatch(/"dup" already exists/);
      const id = (await create(http('dup-other')).expect(201)).body.id;
      await t.http().patch(`${base}/${id}`).set(auth).send({ name: 'dup' }).expect(409);
      // The same name on another chatbot is fine.
      const bot2 = (
        await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'Second' }).expect(201)
      ).body.id;
      await t
        .http()
        .post(`/api/dev/v1/chatbots/${bot2}/integrations`)
        .set(auth)
        .send(http('dup'))
        .expect(201);
    });

    it('should answer 404 on every route for another workspace, an unknown id or a malformed id', async () => {
      const id = (
        await create(http('mine', { auth: { type: 'bearer', token: TOKEN } })).expect(201)
      ).body.id;
      const sent = server.requests.length;
      const routes = (key: Record<string, string>, iid: string) => [
        t.http().get(base).set(key),
        t.http().post(base).set(key).send(http('theirs')),
        t.http().get(`${base}/${iid}`).set(key),
        t.http().patch(`${base}/${iid}`).set(key).send({ name: 'stolen' }),
        t.http().delete(`${base}/${iid}`).set(key),
        t.http().post(`${base}/${iid}/test`).set(key).send({}),
      ];
      for (const res of await Promise.all(routes(other, id))) {
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain(TOKEN);
      }
      const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
      for (const res of (await Promise.all(routes(auth, unknown))).slice(2))
        expect(res.status).toBe(404);
      await t.http().get(`${base}/not-a-ulid`).set(auth).expect(404);
      await t.http().get(`/api/dev/v1/chatbots/${unknown}/integrations`).set(auth).expect(404);
      await t.http().get(base).expect(401);
      const still = await t.http().get(`${base}/${id}`).set(auth).expect(200);
      expect(still.body.name).toBe('mine');
      expect(server.requests).toHaveLength(sent);
    });
  });

  describe('validation', () => {
    const errorsOf = async (body: unknown) => {
      const res = await t
        .http()
        .post(base)
        .set(auth)
        .send(body as object)
        .expect(400);
      expect(res.body.detail).toEqual(expect.any(String));
      return res.body.errors as { path: string; message: string }[];
    };
    const pathsOf = async (body: unknown) => (await errorsOf(body)).map((e) => e.path);

    it('should report bad fields with their paths', async () => {
      expect(await pathsOf({ type: 'http', name: 'x', base_url: 'not a url' })).toEqual([
        'base_url',
      ]);
      expect(
        await pathsOf({ type: 'http', name: 'x', base_url: 'ftp://files.example.com' }),
      ).toEqual(['base_url']);
      expect(
        await pathsOf({ type: 'http', name: 'x', base_url: 'https://u:p@api.example.com' }),
      ).toEqual(['base_url']);
      expect(await pathsOf(http('x', { auth: { type: 'oauth' } }))).toEqual(['auth.type']);
      expect(await pathsOf(http('x', { auth: { type: 'bearer' } }))).toEqual(['auth.token']);
      expect(
        await pathsOf(http('x', { auth: { type: 'api_key', key: 'k', in: 'cookie' } })),
      ).toEqual(['auth.in', 'auth.name']);
      expect(
        await pathsOf(http('x', { auth: { type: 'basic', username: 'a:b', password: 'p' } })),
      ).toEqual(['auth.username']);
      expect(
        await pathsOf(http('x', { retry: { on: ['timeout', 'sometimes', '5xx', 42] } })),
      ).toEqual(['retry.on[1]', 'retry.on[3]']);
      expect(await pathsOf(http('x', { retry: { max_attempts: 11 } }))).toEqual([
        'retry.max_attempts',
      ]);
      expect(await pathsOf(http('x', { timeout: { connect_ms: -1, read_ms: 1.5 } }))).toEqual([
        'timeout.connect_ms',
        'timeout.read_ms',
      ]);
      expect(await pathsOf(http('x', { max_response_bytes: 11 * 1024 * 1024 }))).toEqual([
        'max_response_bytes',
      ]);
      expect(
        await pathsOf(http('x', { headers: { 'Bad Header': 'v', Host: 'h', 'X-Num': 1 } })),
      ).toEqual(['headers.Bad Header', 'headers.Host', 'headers.X-Num']);
      expect(await pathsOf(http('bad name!'))).toEqual(['name']);
      expect(await pathsOf(http('x'.repeat(101)))).toEqual(['name']);
      expect(await pathsOf({ name: 'x', base_url: backendUrl })).toEqual(['type']);
      expect(await pathsOf({ type: 'ftp', name: 'x', base_url: backendUrl })).toEqual(['type']);
      expect(await pathsOf({ type: 'http' })).toEqual(['name', 'base_url']);
    });

    it('should reject unknown fields, nested ones included', async () => {
      const errors = await errorsOf(
        http('x', {
          colour: 'blue',
          auth: { type: 'bearer', token: TOKEN, extra: 1 },
          timeout: { connect_ms: 100, write_ms: 5 },
          retry: { max_attempts: 2, jitter: true },
        }),
      );
      expect(errors).toEqual(
        expect.arrayContaining([
          { path: 'colour', message: 'Unknown field.' },
          { path: 'auth.extra', message: 'Unknown field.' },
          { path: 'timeout.write_ms', message: 'Unknown field.' },
          { path: 'retry.jitter', message: 'Unknown field.' },
        ]),
      );
      expect(errors).toHaveLength(4);
      // Fields of another auth type are unknown too.
      expect(await pathsOf(http('x', { auth: { type: 'none', token: TOKEN } }))).toEqual([
        'auth.token',
      ]);
      expect(JSON.stringify(errors)).not.toContain(TOKEN);
    });

    it('should know every type of the contract: a body with the type alone misses its own fields', async () => {
      for (const type of ['http', 'whatsapp', 'ussd', 'sms', 'web', 'rest-api']) {
        const paths = await pathsOf({ type });
        expect(paths).toContain('name');
        expect(paths).not.toContain('type');
      }
    });

    it('should show a stored row of a type this server does not know, refuse to change it, and delete it', async () => {
      const id = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
      await t.db.query(
        `INSERT INTO integrations (id, chatbot_id, type, name, config) VALUES ($1, $2, 'telex', 'old-telex', '{}'::jsonb)`,
        [id, bot],
      );
      const got = await t.http().get(`${base}/${id}`).set(auth).expect(200);
      expect(got.body).toMatchObject({ id, type: 'telex', name: 'old-telex' });
      const res = await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ name: 'new-telex' })
        .expect(400);
      expect(res.body.detail).toBe('type "telex" is not supported');
      expect(res.body.errors).toEqual([
        { path: 'type', message: expect.stringContaining('not supported by this server') },
      ]);
      await t.http().delete(`${base}/${id}`).set(auth).expect(204);
    });

    it('should validate PATCH bodies the same way, and refuse a type change', async () => {
      const id = (await create(http('patchme')).expect(201)).body.id;
      const res = await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ auth: { type: 'bearer', token: '' }, retry: { on: ['5xx', 'later'] }, unknown: 1 })
        .expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'unknown',
        'auth.token',
        'retry.on[1]',
      ]);
      await t.http().patch(`${base}/${id}`).set(auth).send({ type: 'ussd' }).expect(400);
      await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })
        .expect(400);
      await t.http().patch(`${base}/${id}`).set(auth).send([1, 2]).expect(400);
      const unchanged = await t.http().get(`${base}/${id}`).set(auth).expect(200);
      expect(unchanged.body.auth).toEqual({ type: 'none' });
    });

    it('should refuse "***" where there is no stored value to keep', async () => {
      const errors = await errorsOf(
        http('masked', { auth: { type: 'bearer', token: '***' }, headers: { 'X-A': '***' } }),
      );
      expect(errors.map((e) => e.path)).toEqual(['auth.token', 'headers.X-A']);
    });
  });

  describe('secrets', () => {
    let fullId: string;

    it('should never return secret values, and never store them in clear', async () => {
      const created = await create(
        http('secretive', {
          auth: { type: 'basic', username: USERNAME, password: PASSWORD },
          headers: { 'X-Api-Secret': HEADER_SECRET },
          query: { region: 'tz' },
        }),
      ).expect(201);
      fullId = created.body.id;
      expect(created.body.auth).toEqual({ type: 'basic', username: '***', password: '***' });
      expect(created.body.headers).toEqual({ 'X-Api-Secret': '***' });

      const patched = await t
        .http()
        .patch(`${base}/${fullId}`)
        .set(auth)
        .send({ auth: { type: 'headers', headers: { 'X-Auth': AUTH_HEADER_SECRET } } })
        .expect(200);
      expect(patched.body.auth).toEqual({ type: 'headers', headers: { 'X-Auth': '***' } });
      const apiKeyOne = await create(
        http('api-keyed', { auth: { type: 'api_key', key: API_KEY, name: 'X-Key' } }),
      ).expect(201);
      expect(apiKeyOne.body.auth).toEqual({
        type: 'api_key',
        key: '***',
        name: 'X-Key',
        in: 'header',
      });
      await create(http('bearer-one', { auth: { type: 'bearer', token: TOKEN } })).expect(201);

      const responses = [
        created.body,
        patched.body,
        apiKeyOne.body,
        (await t.http().get(`${base}/${fullId}`).set(auth).expect(200)).body,
        (await t.http().get(`${base}?limit=200`).set(auth).expect(200)).body,
      ];
      for (const secret of SECRETS) expect(JSON.stringify(responses)).not.toContain(secret);

      const rows = await t.db.query<Record<string, unknown>[]>('SELECT * FROM integrations');
      const raw = JSON.stringify(rows);
      for (const secret of SECRETS) expect(raw).not.toContain(secret);
      const row = rows.find((r) => r.id === fullId)!;
      expect(row.secrets).toMatch(/^v1:[0-9a-f]{8}:/);
      expect(row.key_id).toBe((row.secrets as string).split(':')[1]);
      expect(row.config).toMatchObject({
        header_names: ['X-Api-Secret'],
        auth: { type: 'headers', header_names: ['X-Auth'] },
      });
    });

    it('should keep a secret sent back as "***" (GET body round-trip)', async () => {
      const id = (
        await create(
          http('roundtrip', {
            auth: { type: 'bearer', token: TOKEN },
            headers: { 'X-Tenant': HEADER_SECRET },
          }),
        ).expect(201)
      ).body.id;
      const got = (await t.http().get(`${base}/${id}`).set(auth).expect(200)).body;
      const patched = await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ ...got, query: { v: '2' }, headers: { ...got.headers, 'X-Extra': 'plain' } })
        .expect(200);
      expect(patched.body).toMatchObject({
        auth: { type: 'bearer', token: '***' },
        query: { v: '2' },
      });
      const before = server.requests.length;
      const res = await testCall(id, { path: '/whoami' }).expect(200);
      expect(res.body.status).toBe('success');
      const seen = server.requests[before];
      expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(seen.headers['x-tenant']).toBe(HEADER_SECRET);
      expect(seen.headers['x-extra']).toBe('plain');
      expect(seen.url).toBe('/api/whoami?v=2');

      // A new auth object replaces the old one: "***" of another type has nothing to keep.
      const bad = await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ auth: { type: 'api_key', name: 'X-Key', key: '***' } })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { path: 'auth.key', message: expect.stringContaining('no stored value') },
      ]);
      // Omitting headers keeps them; sending a map replaces it.
      await t
        .http()
        .patch(`${base}/${id}`)
        .set(auth)
        .send({ headers: { 'X-Tenant': '***' } })
        .expect(200);
      await testCall(id).expect(200);
      expect(server.last!.headers['x-tenant']).toBe(HEADER_SECRET);
      expect(server.last!.headers['x-extra']).toBeUndefined();
    });
  });

  describe('test endpoint', () => {
    const sendThrough = async (name: string, authConfig: object, body: object = {}) => {
      const id = (await create(http(name, { auth: authConfig })).expect(201)).body.id;
      const before = server.requests.length;
      const res = await testCall(id, body).expect(200);
      expect(server.requests.length).toBe(before + 1);
      return { res, seen: server.requests[before] };
    };

    it('should send bearer auth and return the meta a flow would see', async () => {
      const { res, seen } = await sendThrough(
        't-bearer',
        { type: 'bearer', token: TOKEN },
        {
          method: 'POST',
          path: '/orders',
          query: { page: '2' },
          headers: { 'X-Trace': 'abc' },
          body: { order_id: 42 },
          variables: { customer: 'Asha' },
        },
      );
      expect(seen.method).toBe('POST');
      expect(seen.url).toBe('/api/orders?page=2');
      expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(seen.headers['x-trace']).toBe('abc');
      expect(seen.headers['x-sarufi-user-id']).toBe('test-user');
      expect(seen.headers['x-sarufi-chatbot-id']).toBe(bot);
      expect(JSON.parse(seen.text)).toEqual({
        message: { type: 'text', text: '' },
        variables: { customer: 'Asha' },
        order_id: 42,
      });
      expect(res.body).toEqual({
        status: 'success',
        status_code: 200,
        headers: expect.objectContaining({ 'x-backend': 'echo' }),
        timestamp: expect.any(String),
        duration_ms: expect.any(Number),
        attempts: 1,
        body: expect.objectContaining({ ok: true, method: 'POST', url: '/api/orders?page=2' }),
      });
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    });

    it('should send an api_key in a header or in the query', async () => {
      const header = await sendThrough('t-key-header', {
        type: 'api_key',
        key: API_KEY,
        name: 'X-Api-Key',
        in: 'header',
      });
      expect(header.seen.headers['x-api-key']).toBe(API_KEY);
      expect(header.seen.url).toBe('/api');
      const query = await sendThrough(
        't-key-query',
        { type: 'api_key', key: API_KEY, name: 'apikey', in: 'query' },
        { path: 'x' },
      );
      expect(query.seen.url).toBe(`/api/x?apikey=${API_KEY}`);
      expect(query.seen.headers['x-api-key']).toBeUndefined();
      // The backend echoes the URL with the key: the meta masks it.
      expect(JSON.stringify(query.res.body)).not.toContain(API_KEY);
    });

    it('should send basic and headers auth', async () => {
      const basic = await sendThrough('t-basic', {
        type: 'basic',
        username: USERNAME,
        password: PASSWORD,
      });
      expect(basic.seen.headers.authorization).toBe(
        `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`,
      );
      const headers = await sendThrough('t-headers', {
        type: 'headers',
        headers: { 'X-Auth': AUTH_HEADER_SECRET, 'X-Org': 'o1' },
      });
      expect(headers.seen.headers['x-auth']).toBe(AUTH_HEADER_SECRET);
      expect(headers.seen.headers['x-org']).toBe('o1');
    });

    it('should classify errors, failures and exceptions like a flow', async () => {
      const id = (await create(http('t-status', { retry: { max_attempts: 1 } })).expect(201)).body
        .id;
      const notFound = await testCall(id, { path: '/status/404' }).expect(200);
      expect(notFound.body).toMatchObject({
        status: 'error',
        status_code: 404,
        error: 'HTTP 404',
        body: { failed: true },
      });
      const failure = await testCall(id, { path: '/status/503' }).expect(200);
      expect(failure.body).toMatchObject({ status: 'failure', status_code: 503, attempts: 1 });

      const closed = await LoopbackServer.start();
      const closedUrl = closed.url('/');
      await closed.close();
      const deadId = (
        await create({
          type: 'http',
          name: 't-dead',
          base_url: closedUrl,
          retry: { max_attempts: 1 },
        }).expect(201)
      ).body.id;
      const dead = await testCall(deadId).expect(200);
      expect(dead.body).toMatchObject({
        status: 'exception',
        status_code: 0,
        error: 'network_error',
        body: null,
      });
    });

    it('should validate the test body', async () => {
      const id = (await create(http('t-valid')).expect(201)).body.id;
      const res = await testCall(id, {
        method: 'FETCH',
        body_type: 'xml',
        query: { a: 1 },
        extra: true,
      }).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'extra',
        'method',
        'body_type',
        'query.a',
      ]);
    });
  });

  describe('flows and integrations', () => {
    let flowsBot: string;
    let flowsBase: string;
    let intBase: string;
    beforeAll(async () => {
      flowsBot = (
        await t
          .http()
          .post('/api/dev/v1/chatbots')
          .set(auth)
          .send({ name: 'Flows+integrations' })
          .expect(201)
      ).body.id;
      flowsBase = `/api/dev/v1/chatbots/${flowsBot}/flows`;
      intBase = `/api/dev/v1/chatbots/${flowsBot}/integrations`;
    });
    const newFlow = async (name: string, flow: object) =>
      (
        await t
          .http()
          .post(flowsBase)
          .set(auth)
          .send({ name, type: 'conversation', flow })
          .expect(201)
      ).body.id as string;

    it('should report an unknown integration name in validate/publish and accept a known one', async () => {
      const flowId = await newFlow('uses-backend', flowUsing('backend'));
      const report = await t.http().post(`${flowsBase}/${flowId}/validate`).set(auth).expect(200);
      expect(report.body.valid).toBe(false);
      expect(report.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            path: 'states.fetch.actions[0].integration',
            message: expect.stringContaining('"backend"'),
          }),
        ]),
      );
      await t.http().post(`${flowsBase}/${flowId}/publish`).set(auth).expect(400);

      await t.http().post(intBase).set(auth).send(http('backend')).expect(201);
      const again = await t.http().post(`${flowsBase}/${flowId}/validate`).set(auth).expect(200);
      expect(again.body).toMatchObject({ valid: true, errors: [] });
      await t.http().post(`${flowsBase}/${flowId}/publish`).set(auth).expect(200);
    });

    it('should refuse to delete or rename an integration the published flow uses, until it no longer does', async () => {
      const list = await t.http().get(intBase).set(auth).expect(200);
      const id = list.body.items.find((i: { name: string }) => i.name === 'backend').id as string;

      const del = await t.http().delete(`${intBase}/${id}`).set(auth).expect(409);
      expect(del.body.detail).toMatch(/"backend".*published flow "uses-backend"/);
      const rename = await t
        .http()
        .patch(`${intBase}/${id}`)
        .set(auth)
        .send({ name: 'backend2' })
        .expect(409);
      expect(rename.body.detail).toMatch(/renamed.*"uses-backend"/);
      // Other edits (credential rotation) are fine while it is in use.
      await t
        .http()
        .patch(`${intBase}/${id}`)
        .set(auth)
        .send({ auth: { type: 'bearer', token: TOKEN } })
        .expect(200);

      // Publishing a flow that does not use it makes the old one a draft again.
      const plain = await newFlow('plain', PLAIN_FLOW);
      await t.http().post(`${flowsBase}/${plain}/publish`).set(auth).expect(200);
      await t.http().patch(`${intBase}/${id}`).set(auth).send({ name: 'backend2' }).expect(200);
      await t.http().delete(`${intBase}/${id}`).set(auth).expect(204);
    });

    it('should find integrations used by a state-list flow too', async () => {
      const id = (await t.http().post(intBase).set(auth).send(http('listed')).expect(201)).body.id;
      const flowId = await newFlow('list-shaped', listFlowUsing('listed'));
      const pub = await t.http().post(`${flowsBase}/${flowId}/publish`).set(auth);
      expect(pub.status).toBe(200);
      const del = await t.http().delete(`${intBase}/${id}`).set(auth).expect(409);
      expect(del.body.detail).toContain('"list-shaped"');
      // A draft flow naming an integration does not protect it.
      const draftOnly = (
        await t.http().post(intBase).set(auth).send(http('draft-only')).expect(201)
      ).body.id;
      await newFlow('draft', flowUsing('draft-only'));
      await t.http().delete(`${intBase}/${draftOnly}`).set(auth).expect(204);
    });
  });

  it('should never have logged a secret', () => {
    expect(t.logs.lines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(t.logs.text).not.toContain(secret);
  });
});

/** One database several apps can use in turn: a Postgres database, or an embedded data folder. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const pg = await freshPostgresDatabase();
  if (pg) return { env: { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: '5' }, drop: () => pg.drop() };
  const dir = mkdtempSync(join(tmpdir(), 'gw-rotate-'));
  return {
    env: { DATA_DIR: dir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('Key rotation', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const keyC = randomBytes(32);
  const b64 = (k: Buffer) => k.toString('base64');
  let server: LoopbackServer;
  let shared: { env: Record<string, string>; drop(): Promise<void> };
  let authHeader: Record<string, string>;
  let base: string;
  const ids: Record<string, string> = {};
  const plain: Record<string, unknown> = {};

  const app = (env: Record<string, string>) =>
    startTestApp({ ...shared.env, OUTBOUND_ALLOW_HOSTS: '127.0.0.1', ...env });
  const callsWithToken = async (t: TestApp) => {
    const before = server.requests.length;
    const res = await t
      .http()
      .post(`${base}/${ids.bearer}/test`)
      .set(authHeader)
      .send({})
      .expect(200);
    expect(res.body.status).toBe('success');
    expect(server.requests[before].headers.authorization).toBe(`Bearer ${TOKEN}`);
  };

  beforeAll(async () => {
    server = await LoopbackServer.start();
    shared = await sharedDatabase();
  });
  afterAll(async () => {
    await server.close();
    await shared.drop();
  });

  it('should store secrets under the current key (A)', async () => {
    const t = await app({ ENCRYPTION_KEY: b64(keyA) });
    try {
      const ws = await t.newWorkspace();
      authHeader = ws.auth;
      const bot = (
        await t
          .http()
          .post('/api/dev/v1/chatbots')
          .set(authHeader)
          .send({ name: 'Rotating' })
          .expect(201)
      ).body.id;
      base = `/api/dev/v1/chatbots/${bot}/integrations`;
      const url = server.url('/');
      const bodies: Record<string, object> = {
        bearer: { auth: { type: 'bearer', token: TOKEN }, headers: { 'X-Tenant': HEADER_SECRET } },
        basic: { auth: { type: 'basic', username: USERNAME, password: PASSWORD } },
        none: {},
      };
      for (const [name, extra] of Object.entries(bodies)) {
        ids[name] = (
          await t
            .http()
            .post(base)
            .set(authHeader)
            .send({ type: 'http', name, base_url: url, ...extra })
            .expect(201)
        ).body.id;
      }
      const rows = await t.db.query<{ id: string; key_id: string; secrets: string }[]>(
        'SELECT id, key_id, secrets FROM integrations',
      );
      expect(rows.map((r) => r.key_id)).toEqual([keyId(keyA), keyId(keyA), keyId(keyA)]);
      const boxA = new SecretBox({ current: keyA });
      for (const row of rows) plain[row.id] = JSON.parse(boxA.decrypt(row.secrets));
      expect(plain[ids.bearer]).toEqual({
        auth: { token: TOKEN },
        headers: { 'X-Tenant': HEADER_SECRET },
      });
      await callsWithToken(t);
    } finally {
      await t.close();
    }
  });

  it('should read old secrets through ENCRYPTION_KEY_PREVIOUS, then re-encrypt them under B', async () => {
    const t = await app({ ENCRYPTION_KEY: b64(keyB), ENCRYPTION_KEY_PREVIOUS: b64(keyA) });
    try {
      await callsWithToken(t);
      const box = new SecretBox({ current: keyB, previous: [keyA] });
      expect(await rotateSecrets(t.db, box)).toEqual({
        scanned: 3,
        rotated: 3,
        current: 0,
        skipped: 0,
        failed: [],
      });
      const rows = await t.db.query<{ id: string; key_id: string; secrets: string }[]>(
        'SELECT id, key_id, secrets FROM integrations',
      );
      const onlyB = new SecretBox({ current: keyB });
      for (const row of rows) {
        expect(row.key_id).toBe(keyId(keyB));
        expect(JSON.parse(onlyB.decrypt(row.secrets))).toEqual(plain[row.id]);
      }
      expect(await rotateSecrets(t.db, box)).toEqual({
        scanned: 3,
        rotated: 0,
        current: 3,
        skipped: 0,
        failed: [],
      });
    } finally {
      await t.close();
    }
  });

  it('should work with only key B afterwards', async () => {
    const t = await app({ ENCRYPTION_KEY: b64(keyB) });
    try {
      await callsWithToken(t);
      // A PATCH that keeps secrets ("***") decrypts them with B too.
      await t
        .http()
        .patch(`${base}/${ids.bearer}`)
        .set(authHeader)
        .send({ headers: { 'X-Tenant': '***' } })
        .expect(200);
      await callsWithToken(t);
    } finally {
      await t.close();
    }
  });

  it('should rotate with the keys:rotate command (B to C) and report counts', async () => {
    const result = runNode(KEYS_CLI, [], {
      ...shared.env,
      ENCRYPTION_KEY: b64(keyC),
      ENCRYPTION_KEY_PREVIOUS: b64(keyB),
      LOG_LEVEL: 'silent',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: expect.any(String),
    });
    expect(result.stdout).toContain("Secrets scanned (integrations, chatbots' events secrets): 3");
    expect(result.stdout).toContain('Re-encrypted under the current key: 3');
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);

    // The chatbot's events secret is sealed too (under C here).
    const bot = base.split('/')[5];
    const withEvents = await app({ ENCRYPTION_KEY: b64(keyC) });
    try {
      await withEvents
        .http()
        .patch(`/api/dev/v1/chatbots/${bot}`)
        .set(authHeader)
        .send({ events_url: server.url('/events') })
        .expect(200);
    } finally {
      await withEvents.close();
    }

    const failing = runNode(KEYS_CLI, [], {
      ...shared.env,
      ENCRYPTION_KEY: b64(keyA),
      LOG_LEVEL: 'silent',
    });
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('Could not be decrypted: 4');
    // Each named as what it is: a chatbot's id was listed among "integrations".
    const named = failing.stderr.split(': ').pop()!.trim().split(', ');
    expect(named.sort()).toEqual(
      [...Object.values(ids).map((id) => `integration ${id}`), `chatbot ${bot}`].sort(),
    );

    const t = await app({ ENCRYPTION_KEY: b64(keyC) });
    try {
      await callsWithToken(t);
      const rows = await t.db.query<{ key_id: string }[]>('SELECT key_id FROM integrations');
      expect(new Set(rows.map((r) => r.key_id))).toEqual(new Set([keyId(keyC)]));
    } finally {
      await t.close();
    }
  });
});
