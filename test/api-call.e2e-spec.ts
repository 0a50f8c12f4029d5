import { rmSync } from 'node:fs';
import { Backend, startBackend } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

const call = (extra: object) => ({ type: 'API_CALL', ...extra });

describe('API_CALL from a flow', () => {
  let t: TestApp;
  let backend: Backend;
  let auth: Record<string, string>;
  beforeAll(async () => {
    backend = await startBackend();
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    auth = (await t.newWorkspace()).auth;
  });
  afterAll(async () => {
    await t.close();
    await backend.close();
  });
  beforeEach(() => {
    backend.calls.length = 0;
    backend.respond(() => ({ status: 200, body: { ok: true } }));
  });

  async function chat(flow: object, replies: string[] = []) {
    const bot = await publishedBot(t, auth, flow);
    const start = await t
      .http()
      .post(`${bot.base}/chat/sessions`)
      .set(auth)
      .send({ contact_name: 'Amina' })
      .expect(201);
    const sid = start.body.session_id as string;
    const outs = [start.body];
    for (const message of replies) {
      outs.push(
        (
          await t
            .http()
            .post(`${bot.base}/chat/sessions/${sid}/messages`)
            .set(auth)
            .send({ message })
            .expect(200)
        ).body,
      );
    }
    const session = (await t.http().get(`${bot.base}/chat/sessions/${sid}`).set(auth).expect(200))
      .body;
    return { ...bot, sid, outs, session };
  }

  it('should encode hostile values per path segment and send the X-Sarufi headers', async () => {
    backend.respond(() => ({ status: 200, body: { status: 'in_transit' } }));
    const { outs, sid, chatbotId } = await chat(
      {
        start: 'ask',
        states: {
          ask: {
            message: 'Order?',
            input: { save_to: 'order_id' },
            transitions: { default: 'fetch' },
          },
          fetch: {
            actions: [
              call({
                url: `${backend.url}/orders/{{order_id}}`,
                save_to: 'order',
                success_transition: 'show',
                failure_transition: 'oops',
              }),
            ],
          },
          show: { message: 'Status: {{order.status}} ({{order_meta.status_code}})', end: true },
          oops: { message: 'Failed', end: true },
        },
      },
      ['../admin?x=1#y ü'],
    );
    expect(outs[1].messages).toEqual([{ type: 'text', text: 'Status: in_transit (200)' }]);
    expect(backend.calls).toHaveLength(1);
    const c = backend.calls[0];
    expect(c.method).toBe('GET');
    expect(c.url).toBe('/orders/..%2Fadmin%3Fx%3D1%23y%20%C3%BC');
    expect(c.body).toBe('');
    expect(c.headers).toMatchObject({
      'x-sarufi-chatbot-id': chatbotId,
      'x-sarufi-user-id': sid,
      'x-sarufi-session-id': sid,
      'x-sarufi-channel': 'api',
      'x-sarufi-state': 'fetch',
      'x-sarufi-flow-name': 'main',
      'x-sarufi-user-name': 'Amina',
      'x-sarufi-request-id': expect.stringMatching(/^\S+$/),
      'user-agent': expect.stringMatching(/^sarufi-gateway\//),
    });
    expect(c.headers['idempotency-key']).toBeUndefined();
  });

  it('should answer with the NUL and lone surrogate of a backend made storable, not fail the turn', async () => {
    // JSON.stringify escapes a lone surrogate as \ud800 and NUL as \u0000: valid JSON, which
    // PostgreSQL's jsonb refuses.
    backend.respond(() => ({ status: 200, body: { name: 'Ami\u0000na \ud800' } }));
    const { outs } = await chat({
      start: 'fetch',
      states: {
        fetch: {
          actions: [
            call({
              url: `${backend.url}/me`,
              save_to: 'me',
              success_transition: 'show',
              failure_transition: 'oops',
            }),
          ],
        },
        show: { message: 'Hello {{me.name}}', end: true },
        oops: { message: 'Failed', end: true },
      },
    });
    expect(outs[0].messages).toEqual([{ type: 'text', text: 'Hello Amina \uFFFD' }]);
  });

  it('should leave prototype keys of an answer out of reach, and keep a too deeply nested one as text', async () => {
    const deep = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown;
    backend.respond((c) => ({
      status: 200,
      body: c.url.endsWith('/deep')
        ? deep
        : JSON.parse('{"__proto__":{"polluted":"yes"},"ok":"fine"}'),
    }));
    const { outs } = await chat({
      start: 'fetch',
      states: {
        fetch: {
          actions: [
            call({ url: `${backend.url}/proto`, save_to: 'r', success_transition: 'deep' }),
          ],
        },
        deep: {
          actions: [call({ url: `${backend.url}/deep`, save_to: 'd', success_transition: 'show' })],
        },
        show: { message: 'p={{r.__proto__.polluted}} ok={{r.ok}} d={{d.length}}', end: true },
      },
    });
    // The deep answer is its text: 400 characters.
    expect(outs[0].messages).toEqual([{ type: 'text', text: 'p= ok=fine d=400' }]);
  });

  it('should POST the auto body with declared fields on top, and an Idempotency-Key', async () => {
    backend.respond(() => ({ status: 201, body: { id: 'T-1' } }));
    const { outs } = await chat(
      {
        start: 'ask',
        variables: { issue_type: 'billing' },
        states: {
          ask: {
            message: 'Describe it',
            input: { save_to: 'description' },
            transitions: { default: 'send' },
          },
          send: {
            actions: [
              call({
                url: `${backend.url}/tickets`,
                method: 'POST',
                headers: { 'X-Tenant': 'acme', 'X-Sarufi-User-Id': 'spoofed' },
                body: { priority: 'normal', variables: 'declared wins' },
                save_to: 'ticket',
                success_transition: 'done',
              }),
            ],
          },
          done: { message: 'Ticket {{ticket.id}}', end: true },
        },
      },
      ['It broke'],
    );
    expect(outs[1].messages).toEqual([{ type: 'text', text: 'Ticket T-1' }]);
    const c = backend.calls[0];
    const body = JSON.parse(c.body);
    expect(body).toEqual({
      message: { type: 'text', text: 'It broke' },
      variables: 'declared wins',
      priority: 'normal',
    });
    expect(c.headers['content-type']).toMatch(/^application\/json/);
    expect(c.headers['x-tenant']).toBe('acme');
    expect(c.headers['x-sarufi-user-id']).not.toBe('spoofed');
    expect(c.headers['idempotency-key']).toBe(c.headers['x-sarufi-request-id']);
  });

  it('should route by status_transitions, then failure_transition, and expose the meta variable', async () => {
    backend.respond((c) =>
      c.url.includes('missing')
        ? { status: 404, body: { error: 'nope' } }
        : { status: 502, body: 'bad gateway' },
    );
    const flow = (path: string) => ({
      start: 'go',
      states: {
        go: {
          actions: [
            call({
              url: `${backend.url}/${path}`,
              save_to: 'r',
              status_transitions: { '404': 'not_found' },
              failure_transition: 'failed',
              retry: { max_attempts: 1 },
            }),
          ],
        },
        not_found: { message: 'Not found: {{r.error}} {{r_meta.status}}', end: true },
        failed: {
          message: 'Failed: {{r_meta.status}} {{r_meta.status_code}} {{r_meta.error}}',
          end: true,
        },
      },
    });
    const missing = await chat(flow('missing'));
    expect(missing.outs[0].messages).toEqual([{ type: 'text', text: 'Not found: nope error' }]);
    const broken = await chat(flow('broken'));
    expect(broken.outs[0].messages).toEqual([
      { type: 'text', text: 'Failed: failure 502 HTTP 502' },
    ]);
  });

  it('should route a timeout to the "timeout" status route', async () => {
    backend.respond(() => ({ status: 200, body: {}, delayMs: 800 }));
    const { outs, session } = await chat({
      start: 'go',
      states: {
        go: {
          actions: [
            call({
              url: `${backend.url}/slow`,
              timeout_ms: 100,
              retry: { max_attempts: 1 },
              status_transitions: { timeout: 'slow' },
              failure_transition: 'failed',
            }),
          ],
        },
        slow: {
          message: 'Too slow ({{response_meta.status}})',
          input: { save_to: 'x' },
          transitions: { default: 'slow' },
        },
        failed: { message: 'Failed', end: true },
      },
    });
    expect(outs[0].messages).toEqual([{ type: 'text', text: 'Too slow (exception)' }]);
    expect(session.variables.response_meta).toMatchObject({
      status: 'exception',
      status_code: 0,
      error: 'timeout',
      attempts: 1,
    });
  });

  it('should apply response directives: variables, then messages, then next_state', async () => {
    backend.respond(() => ({
      status: 200,
      body: {
        session: { namespace: 'account', data: { limit: 500 } },
        variables: { tier: 'gold' },
        messages: [{ type: 'text', text: 'From the backend' }],
        action: { nextDialogstate: 'vip' },
      },
    }));
    const { outs, session } = await chat({
      start: 'go',
      states: {
        go: {
          actions: [
            call({ url: `${backend.url}/route`, directives: true, success_transition: 'normal' }),
          ],
        },
        normal: { message: 'Normal', end: true },
        vip: {
          message: 'Hello {{tier}} member, limit {{account.limit}}',
          input: { save_to: 'x' },
          transitions: { default: 'vip' },
        },
      },
    });
    expect(outs[0].messages).toEqual([
      { type: 'text', text: 'From the backend' },
      { type: 'text', text: 'Hello gold member, limit 500' },
    ]);
    expect(outs[0].current_state).toBe('vip');
    expect(session.variables).toMatchObject({ tier: 'gold', account: { limit: 500 } });
  });

  it('should refuse a private address unless allow-listed, routing to failure with blocked_address', async () => {
    const strict = await startTestApp();
    try {
      const a = (await strict.newWorkspace()).auth;
      const bot = await publishedBot(strict, a, {
        start: 'go',
        states: {
          go: {
            actions: [call({ url: `${backend.url}/secret-admin`, failure_transition: 'blocked' })],
          },
          blocked: { message: 'Blocked: {{response_meta.error}}', end: true },
        },
      });
      const res = await strict.http().post(`${bot.base}/chat/sessions`).set(a).expect(201);
      expect(res.body.messages).toEqual([{ type: 'text', text: 'Blocked: blocked_address' }]);
      expect(backend.calls).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it('should reach an allow-listed address only by that address, not by a name resolving to it', async () => {
    const listed = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1,::1' });
    try {
      const a = (await listed.newWorkspace()).auth;
      const bot = await publishedBot(listed, a, {
        start: 'go',
        states: {
          go: {
            actions: [
              call({
                url: `${backend.url}/by-address`,
                save_to: 'first',
                success_transition: 'by_name',
              }),
            ],
          },
          by_name: {
            actions: [
              call({
                url: `${backend.url.replace('127.0.0.1', 'localhost')}/by-name`,
                success_transition: 'reached',
                failure_transition: 'blocked',
              }),
            ],
          },
          reached: { message: 'Reached', end: true },
          blocked: { message: 'Blocked: {{response_meta.error}}', end: true },
        },
      });
      const res = await listed.http().post(`${bot.base}/chat/sessions`).set(a).expect(201);
      expect(res.body.messages).toEqual([{ type: 'text', text: 'Blocked: blocked_address' }]);
      expect(backend.calls.map((c) => c.url)).toEqual(['/by-address']);
    } finally {
      await listed.close();
    }
  });

  it('should record API calls in the trace without query strings or header values', async () => {
    const { base, sid } = await chat({
      start: 'go',
      states: {
        go: {
          actions: [
            call({
              // user:password@ is sent as Basic auth, and never traced.
              url: `${backend.url.replace('://', '://amina:pw-in-url-secret@')}/q?token=hunter2secret`,
              headers: { 'X-Api-Key': 'k-very-secret' },
              success_transition: 'ok',
            }),
          ],
        },
        ok: { message: 'ok', end: true },
      },
    });
    expect(backend.calls[0].headers['x-api-key']).toBe('k-very-secret');
    const trace = await t.http().get(`${base}/conversations/${sid}/trace`).set(auth).expect(200);
    const events = trace.body.items.flatMap((turn: { events: unknown[] }) => turn.events);
    const apiCall = events.find((e: { type: string }) => e.type === 'api_call');
    expect(apiCall).toMatchObject({
      type: 'api_call',
      method: 'GET',
      status: 'success',
      status_code: 200,
    });
    expect(apiCall.duration_ms).toEqual(expect.any(Number));
    const dump = JSON.stringify(trace.body);
    expect(dump).not.toContain('hunter2secret');
    expect(dump).not.toContain('k-very-secret');
    expect(dump).not.toContain('pw-in-url-secret');
    expect(apiCall.url).toBe(`${backend.url}/q`);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/api_call_total\{integration="url",status="success"\} \d+/);
    expect(metrics.text).toMatch(/api_call_duration_seconds_count\{integration="url"\} \d+/);
    expect(metrics.text).not.toContain('k-very-secret');
  });

  it('should hand the flow an answer a short credential does not corrupt, masking only credentials echoed', async () => {
    const password = 'pw-long-secret-9';
    const encoded = Buffer.from(`user:${password}`).toString('base64');
    backend.respond((c) => ({
      status: 200,
      body: {
        username: 'amina',
        plan: 'users-basic',
        login: 'user',
        echoed: c.headers.authorization,
        note: `${password} in a sentence`,
      },
    }));
    const { outs, session } = await chat({
      start: 'fetch',
      states: {
        fetch: {
          actions: [
            call({
              // The basic-auth user `user` is a credential too short to tell from ordinary text.
              url: `${backend.url.replace('://', `://user:${password}@`)}/me`,
              save_to: 'me',
              success_transition: 'show',
            }),
          ],
        },
        show: { message: 'Hi {{me.username}} ({{me.plan}})', end: true },
      },
    });
    expect(backend.calls[0].headers.authorization).toBe(`Basic ${encoded}`);
    expect(outs[0].messages).toEqual([{ type: 'text', text: 'Hi amina (users-basic)' }]);
    expect(session.variables.me).toEqual({
      username: 'amina',
      plan: 'users-basic',
      login: '***',
      echoed: '***',
      note: '*** in a sentence',
    });
    expect(JSON.stringify(session)).not.toContain(encoded);
  });

  it('should answer at once for fire_and_forget and deliver in the background', async () => {
    backend.respond(() => ({ status: 200, body: {}, delayMs: 300 }));
    const started = Date.now();
    const { outs, session } = await chat({
      start: 'go',
      states: {
        go: {
          message: 'Thanks!',
          actions: [
            call({
              url: `${backend.url}/events`,
              method: 'POST',
              body: { event: 'done' },
              fire_and_forget: true,
            }),
          ],
          end: true,
        },
      },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outs[0].messages).toEqual([{ type: 'text', text: 'Thanks!' }]);
    expect(session.variables.response).toBeUndefined();
    for (let i = 0; i < 100 && backend.calls.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(backend.calls).toHaveLength(1);
    expect(JSON.parse(backend.calls[0].body)).toMatchObject({ event: 'done' });
  });
});

describe('Fire-and-forget delivery', () => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await startBackend();
  });
  afterEach(() => backend.close());

  const fireFlow = (url: string) => ({
    start: 'go',
    states: {
      go: {
        message: 'Noted',
        actions: [call({ url, method: 'POST', body: { n: 1 }, fire_and_forget: true })],
        end: true,
      },
    },
  });

  it('should survive a server restart and keep the same request id across attempts', async () => {
    backend.respond(() => ({ status: 503, body: { busy: true } }));
    const env = { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOX_POLL_MS: '200' };
    const first = await startTestApp(env);
    first.keep();
    const auth = (await first.newWorkspace()).auth;
    const bot = await publishedBot(first, auth, fireFlow(`${backend.url}/hook`));
    await first.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201);
    for (let i = 0; i < 100 && backend.calls.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(backend.calls.length).toBeGreaterThanOrEqual(1);
    await first.close();

    backend.respond(() => ({ status: 200, body: { ok: true } }));
    const failedAttempts = backend.calls.length;
    const second = process.env.DATABASE_URL
      ? await startTestApp(env, { databaseUrl: first.databaseUrl, ownsDatabase: true })
      : await startTestApp(env, { dataDir: first.dataDir });
    try {
      for (let i = 0; i < 200; i++) {
        const [row] = await second.db.query(`SELECT status FROM outbox`);
        if (row?.status === 'done') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const rows = await second.db.query(`SELECT status, attempts FROM outbox`);
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe('done');
      // One claim failed before the restart (the caller retried the 503 within it), one succeeded after.
      expect(rows[0].attempts).toBeGreaterThanOrEqual(2);
      expect(backend.calls.length).toBe(failedAttempts + 1);
      const ids = new Set(backend.calls.map((c) => c.headers['x-sarufi-request-id']));
      expect(ids.size).toBe(1);
      expect(backend.calls.every((c) => c.headers['idempotency-key'] === [...ids][0])).toBe(true);
    } finally {
      await second.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });

  // Two workers need two processes on one shared PostgreSQL (the embedded PGlite serves one).
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  onPostgres('should deliver each call once with two instances draining the outbox', async () => {
    backend.respond(() => ({ status: 200, body: {}, delayMs: 20 }));
    const env = { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOX_POLL_MS: '50' };
    const a = await startTestApp(env);
    const b = await startTestApp(env, { databaseUrl: a.databaseUrl });
    try {
      const auth = (await a.newWorkspace()).auth;
      const bot = await publishedBot(a, auth, fireFlow(`${backend.url}/once`));
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? a : b).http().post(`${bot.base}/chat/sessions`).set(auth).expect(201),
        ),
      );
      for (let i = 0; i < 200 && backend.calls.length < 30; i++)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const ids = backend.calls.map((c) => c.headers['x-sarufi-request-id']);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      const [{ n }] = await a.db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE status = 'done'`,
      );
      expect(n).toBe(30);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
