import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBackend, type Backend } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const SITE = 'http://127.0.0.1:8123';
const IDENTITY_SECRET = 'the-site-identity-secret-1234';

const shopFlow = (backendUrl: string) => ({
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu! What do you need?',
      buttons: [
        { id: 'order', title: 'My order' },
        { id: 'help', title: 'Help' },
      ],
      transitions: { order: 'ask_order', help: 'help' },
    },
    ask_order: {
      message: 'Your order number?',
      input: { save_to: 'order_no', type: 'text' },
      transitions: { default: 'lookup' },
    },
    lookup: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/orders/{{order_no}}`,
          method: 'GET',
          save_to: 'order',
          success_transition: 'status',
          failure_transition: 'menu',
        },
      ],
    },
    status: { message: 'Order {{order_no}} is {{order.status}}.', end: true },
    help: { message: 'We are here 8am to 6pm.', end: true },
  },
});

describe('Web channel (widget API)', () => {
  let t: TestApp;
  let backend: Backend;
  let auth: { Authorization: string };
  let bot: Awaited<ReturnType<typeof publishedBot>>;
  let key: string;
  let integrationId: string;
  let port: number;

  beforeAll(async () => {
    backend = await startBackend();
    backend.respond(() => ({ body: { status: 'on its way' } }));
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    await t.handle.app.listen(0, '127.0.0.1');
    port = (t.handle.app.getHttpServer().address() as AddressInfo).port;
    ({ auth } = await t.newWorkspace());
    bot = await publishedBot(t, auth, shopFlow(backend.url), 'Duka');
    const created = await t
      .http()
      .post(`${bot.base}/integrations`)
      .set(auth)
      .send({
        type: 'web',
        name: 'site',
        allowed_origins: [SITE],
        identity_secret: IDENTITY_SECRET,
      })
      .expect(201);
    key = created.body.widget_key;
    integrationId = created.body.id;
  });

  afterAll(async () => {
    await t.close();
    await backend.close();
  });

  const widget = (path: string) => `/widget/v1/${key}${path}`;
  /** A request of the widget on SITE for the visitor who opened session `s`. */
  const asVisitor = (s: { visitor_token: string }) => ({
    post: (path: string) =>
      t
        .http()
        .post(widget(path))
        .set('Origin', SITE)
        .set('Authorization', `Visitor ${s.visitor_token}`),
    get: (path: string) =>
      t
        .http()
        .get(widget(path))
        .set('Origin', SITE)
        .set('Authorization', `Visitor ${s.visitor_token}`),
  });
  const newSession = async (body: object = {}) =>
    (await t.http().post(widget('/sessions')).set('Origin', SITE).send(body).expect(201)).body;

  describe('the integration', () => {
    it('shows its widget key and embed snippet, and hides the identity secret', async () => {
      const r = await t
        .http()
        .get(`${bot.base}/integrations/${integrationId}`)
        .set(auth)
        .expect(200);
      expect(r.body).toMatchObject({
        type: 'web',
        allowed_origins: [SITE],
        theme: { title: null, primary_color: '#0b5f6e', position: 'right' },
        start_open: false,
        identity_secret: '***',
      });
      expect(r.body.widget_key).toMatch(/^wk_[a-z2-7]{32}$/);
      expect(r.body.embed_snippet).toContain(`data-widget-key="${r.body.widget_key}"`);
      expect(r.body.embed_snippet).toContain('/widget.js"');
      expect(JSON.stringify(r.body)).not.toContain(IDENTITY_SECRET);
    });

    it('refuses bad fields with their paths', async () => {
      const r = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({
          type: 'web',
          name: 'bad',
          allowed_origins: ['https://shop.example/'],
          theme: { primary_color: 'teal' },
          start_open: 'yes',
        })
        .expect(400);
      const paths = (r.body.errors as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(['allowed_origins[0]', 'start_open', 'theme.primary_color']);
    });

    it('requires allowed_origins', async () => {
      const r = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({ type: 'web', name: 'none' })
        .expect(400);
      expect(r.body.errors[0].path).toBe('allowed_origins');
    });

    it('rotates the widget key: the old one is 404 at once', async () => {
      const made = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({ type: 'web', name: 'rotating', allowed_origins: [SITE], theme: { title: 'Help' } })
        .expect(201);
      const old = made.body.widget_key as string;
      await t.http().get(`/widget/v1/${old}/config`).set('Origin', SITE).expect(200);
      const rotated = await t
        .http()
        .patch(`${bot.base}/integrations/${made.body.id}`)
        .set(auth)
        .send({ rotate_widget_key: true })
        .expect(200);
      expect(rotated.body.widget_key).not.toBe(old);
      expect(rotated.body.theme.title).toBe('Help');
      await t.http().get(`/widget/v1/${old}/config`).set('Origin', SITE).expect(404);
      await t
        .http()
        .get(`/widget/v1/${rotated.body.widget_key}/config`)
        .set('Origin', SITE)
        .expect(200);
    });

    it('refuses a widget_key sent with another value', async () => {
      const r = await t
        .http()
        .patch(`${bot.base}/integrations/${integrationId}`)
        .set(auth)
        .send({ widget_key: 'wk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
        .expect(400);
      expect(r.body.errors[0].path).toBe('widget_key');
    });
  });

  describe('origins', () => {
    it('answers an allowed origin with CORS headers, the title defaulting to the bot name', async () => {
      const r = await t.http().get(widget('/config')).set('Origin', SITE).expect(200);
      expect(r.headers['access-control-allow-origin']).toBe(SITE);
      expect(r.body).toEqual({
        title: 'Duka',
        primary_color: '#0b5f6e',
        position: 'right',
        start_open: false,
      });
    });

    it('answers a preflight from an allowed origin', async () => {
      const r = await t
        .http()
        .options(widget('/sessions'))
        .set('Origin', SITE)
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(r.headers['access-control-allow-origin']).toBe(SITE);
      expect(r.headers['access-control-allow-headers']).toContain('Authorization');
    });

    it.each([
      ['another origin', 'https://evil.example'],
      ['no Origin header', undefined],
    ])('refuses %s with 403 and no CORS header', async (_what, origin) => {
      const req = t.http().post(widget('/sessions')).send({});
      const r = await (origin ? req.set('Origin', origin) : req).expect(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.body.detail).toMatch(/origin/i);
    });

    it('answers an unknown key with 404', async () => {
      await t
        .http()
        .get('/widget/v1/wk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/config')
        .set('Origin', SITE)
        .expect(404);
      await t.http().get('/widget/v1/not-a-key/config').set('Origin', SITE).expect(404);
    });
  });

  describe('sessions', () => {
    it('opens a session with the greeting, then answers like the Chat API', async () => {
      const s = await newSession({ visitor_id: 'visitor-0001' });
      expect(s).toMatchObject({
        visitor_id: 'visitor-0001',
        channel: 'web',
        current_state: 'menu',
        messages: [{ type: 'buttons', text: 'Karibu! What do you need?' }],
      });
      expect(s.visitor_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const pressed = await asVisitor(s)
        .post(`/sessions/${s.session_id}/messages`)
        .send({ message: 'My order', button_id: 'order' })
        .expect(200);
      expect(pressed.body.messages).toEqual([{ type: 'text', text: 'Your order number?' }]);

      const answered = await asVisitor(s)
        .post(`/sessions/${s.session_id}/messages`)
        .send({ message: 'A-17' })
        .expect(200);
      expect(answered.body.messages[0].text).toBe('Order A-17 is on its way.');

      const call = backend.calls.find((c) => c.url === '/orders/A-17')!;
      expect(call.headers['x-sarufi-channel']).toBe('web');
      expect(call.headers['x-sarufi-user-id']).toBe('visitor-0001');
    });

    it('redraws the history after a reload, oldest first, and pages with after', async () => {
      const s = await newSession();
      await asVisitor(s)
        .post(`/sessions/${s.session_id}/messages`)
        .send({ message: 'Help', button_id: 'help' })
        .expect(200);
      const h = await asVisitor(s).get(`/sessions/${s.session_id}/messages`).expect(200);
      expect(h.body.status).toBe('CLOSED');
      expect(h.body.has_more).toBe(false);
      expect(h.body.data.map((m: { direction: string }) => m.direction)).toEqual([
        'outbound',
        'inbound',
        'outbound',
      ]);
      expect(h.body.data[0].responder).toBe('BOT');
      const after = await asVisitor(s)
        .get(`/sessions/${s.session_id}/messages?after=${h.body.data[0].id}`)
        .expect(200);
      expect(after.body.data).toHaveLength(2);
    });

    it('answers 410 on a session that has ended', async () => {
      const s = await newSession();
      const send = () =>
        asVisitor(s)
          .post(`/sessions/${s.session_id}/messages`)
          .send({ message: 'Help', button_id: 'help' });
      await send().expect(200);
      const r = await send().expect(410);
      expect(r.headers['access-control-allow-origin']).toBe(SITE);
    });

    it('answers 404 to a wrong or missing token, and to another widget', async () => {
      const s = await newSession();
      const other = await newSession();
      const path = widget(`/sessions/${s.session_id}/messages`);
      for (const authz of [`Visitor ${other.visitor_token}`, 'Visitor short', '', `Bearer x`]) {
        const req = t.http().get(path).set('Origin', SITE);
        await (authz ? req.set('Authorization', authz) : req).expect(404);
      }
      const second = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({ type: 'web', name: 'second-site', allowed_origins: [SITE] })
        .expect(201);
      await t
        .http()
        .get(`/widget/v1/${second.body.widget_key}/sessions/${s.session_id}/messages`)
        .set('Origin', SITE)
        .set('Authorization', `Visitor ${s.visitor_token}`)
        .expect(404);
    });

    it('refuses a bad visitor id or message with the field path', async () => {
      const bad = await t
        .http()
        .post(widget('/sessions'))
        .set('Origin', SITE)
        .send({ visitor_id: 'a b' })
        .expect(400);
      expect(bad.body.errors[0].path).toBe('visitor_id');
      const s = await newSession();
      const long = await asVisitor(s)
        .post(`/sessions/${s.session_id}/messages`)
        .send({ message: 'x'.repeat(4097) })
        .expect(400);
      expect(long.body.errors[0].path).toBe('message');
    });

    it('uses a signed user id as the user, and ignores a wrongly signed one', async () => {
      const sign = (id: string) => createHmac('sha256', IDENTITY_SECRET).update(id).digest('hex');
      const signed = await newSession({
        visitor_id: 'visitor-0002',
        user: { id: 'customer-77', signature: sign('customer-77') },
      });
      const forged = await newSession({
        visitor_id: 'visitor-0003',
        user: { id: 'customer-78', signature: sign('customer-77') },
      });
      const users = async (sid: string) =>
        (await t.http().get(`${bot.base}/conversations/${sid}`).set(auth).expect(200)).body.user_id;
      expect(await users(signed.session_id)).toBe('customer-77');
      expect(await users(forged.session_id)).toBe('visitor-0003');
    });

    it('stores no visitor token in clear', async () => {
      const s = await newSession();
      const rows = await t.db.query(
        `SELECT encode(token_hash, 'hex') AS h FROM web_sessions WHERE conversation_id = $1`,
        [s.session_id],
      );
      expect(rows[0].h).toHaveLength(64);
      expect(rows[0].h).not.toContain(Buffer.from(s.visitor_token).toString('hex'));
    });
  });

  describe('the event stream', () => {
    /** Opens the stream with raw HTTP and collects its events until `count` arrive. */
    function stream(sid: string, token: string, lastEventId?: string) {
      const events: {
        id: string;
        data: { id: string; responder: string; message: { text: string } };
      }[] = [];
      let res: IncomingMessage | undefined;
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: widget(`/sessions/${sid}/events`),
        headers: {
          Origin: SITE,
          Authorization: `Visitor ${token}`,
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        },
      });
      let buffer = '';
      const ready = new Promise<IncomingMessage>((resolve) => {
        req.on('response', (r) => {
          res = r;
          r.setEncoding('utf8');
          r.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const field = (name: string) =>
                block
                  .split('\n')
                  .find((l) => l.startsWith(`${name}: `))
                  ?.slice(name.length + 2);
              if (field('event') === 'message')
                events.push({ id: field('id')!, data: JSON.parse(field('data')!) });
            }
          });
          resolve(r);
        });
      });
      req.on('error', () => undefined);
      req.end();
      return { events, ready, close: () => (res?.destroy(), req.destroy()) };
    }

    const agentSays = (sid: string, text: string) =>
      t
        .http()
        .post(`${bot.base}/conversations/${sid}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text }, agent: { id: 'a1', name: 'Amina' } })
        .expect(201);

    it("sends a person's messages, and resumes after Last-Event-ID without loss or repeats", async () => {
      const s = await newSession();
      const first = stream(s.session_id, s.visitor_token);
      const res = await first.ready;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(res.headers['access-control-allow-origin']).toBe(SITE);

      const one = await agentSays(s.session_id, 'Hi, this is Amina');
      expect(one.body).toMatchObject({ responder: 'HUMAN', agent: { id: 'a1', name: 'Amina' } });
      await waitFor(() => first.events.length === 1);
      expect(first.events[0].id).toBe(one.body.id);
      expect(first.events[0].data.message.text).toBe('Hi, this is Amina');
      first.close();

      // Sent while the widget was away: the next stream starts after the last id it saw.
      await agentSays(s.session_id, 'Are you still there?');
      await agentSays(s.session_id, 'I will wait.');
      const second = stream(s.session_id, s.visitor_token, one.body.id);
      await second.ready;
      await waitFor(() => second.events.length === 2);
      await agentSays(s.session_id, 'Bye for now');
      await waitFor(() => second.events.length === 3);
      second.close();
      expect(second.events.map((e) => e.data.message.text)).toEqual([
        'Are you still there?',
        'I will wait.',
        'Bye for now',
      ]);

      // The person's messages are in the history too, marked as theirs.
      const h = await asVisitor(s).get(`/sessions/${s.session_id}/messages`).expect(200);
      expect(
        h.body.data.filter((m: { responder?: string }) => m.responder === 'HUMAN'),
      ).toHaveLength(4);
    });

    it("sends the bot's messages after a release at a state, which answer no request", async () => {
      const s = await newSession();
      const events = stream(s.session_id, s.visitor_token);
      await events.ready;
      await agentSays(s.session_id, 'Let me hand you back to the menu');
      await t
        .http()
        .post(`${bot.base}/conversations/${s.session_id}/release`)
        .set(auth)
        .send({ state: 'menu' })
        .expect(200);
      await waitFor(() => events.events.length === 2);
      events.close();
      expect(events.events.map((e) => [e.data.responder, e.data.message.text])).toEqual([
        ['HUMAN', 'Let me hand you back to the menu'],
        ['BOT', 'Karibu! What do you need?'],
      ]);
    });

    it('refuses a stream with a wrong token (404) and a bad Last-Event-ID (400)', async () => {
      const s = await newSession();
      await t
        .http()
        .get(widget(`/sessions/${s.session_id}/events`))
        .set('Origin', SITE)
        .set('Authorization', 'Visitor aaaaaaaaaaaaaaaaaaaaaaaa')
        .expect(404);
      const r = await asVisitor(s)
        .get(`/sessions/${s.session_id}/events`)
        .set('Last-Event-ID', 'nope')
        .expect(400);
      expect(r.body.errors[0].path).toBe('Last-Event-ID');
    });

    it('allows at most 3 open streams per session', async () => {
      const s = await newSession();
      const open = [0, 1, 2].map(() => stream(s.session_id, s.visitor_token));
      await Promise.all(open.map((o) => o.ready));
      const fourth = stream(s.session_id, s.visitor_token);
      expect((await fourth.ready).statusCode).toBe(429);
      for (const o of [...open, fourth]) o.close();
    });
  });

  describe('agent replies', () => {
    it('refuses a reply on a channel it cannot reach yet, and on an ended conversation', async () => {
      const s = await newSession();
      await asVisitor(s)
        .post(`/sessions/${s.session_id}/messages`)
        .send({ message: 'Help', button_id: 'help' })
        .expect(200);
      const ended = await t
        .http()
        .post(`${bot.base}/conversations/${s.session_id}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text: 'Hello?' } })
        .expect(409);
      expect(ended.body.detail).toMatch(/ended/);
    });

    it('refuses a bad body with the field path', async () => {
      const s = await newSession();
      const r = await t
        .http()
        .post(`${bot.base}/conversations/${s.session_id}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text: '' } })
        .expect(400);
      expect(r.body.errors[0].path).toBe('message.text');
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After when one session sends too fast', async () => {
      const s = await newSession();
      let limited: { status: number; headers: Record<string, string> } | undefined;
      for (let i = 0; i < 40 && !limited; i++) {
        const r = await asVisitor(s).get(`/sessions/${s.session_id}/messages`);
        if (r.status === 429) limited = r;
        else expect(r.status).toBe(200);
      }
      expect(limited).toBeDefined();
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited!.headers['access-control-allow-origin']).toBe(SITE);
    });
  });

  describe('the widget script', () => {
    it('is served with an ETag, and 304 when the browser has it', async () => {
      const r = await t.http().get('/widget.js').expect(200);
      expect(r.headers['content-type']).toMatch(/javascript/);
      expect(r.headers['cache-control']).toMatch(/max-age=\d+/);
      const etag = r.headers['etag'];
      expect(etag).toMatch(/^"/);
      await t.http().get('/widget.js').set('If-None-Match', etag).expect(304);
    });
  });
});

describe('Web channel: the per-address rate limit behind a proxy', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    // The tests' requests come from 127.0.0.1: here, the proxy in front of the server.
    t = await startTestApp({ TRUST_PROXY: '127.0.0.1' });
    const { auth } = await t.newWorkspace();
    const bot = await publishedBot(t, auth, {
      start: 'hi',
      states: { hi: { message: 'Hi', end: true } },
    });
    const created = await t
      .http()
      .post(`${bot.base}/integrations`)
      .set(auth)
      .send({ type: 'web', name: 'site', allowed_origins: [SITE] })
      .expect(201);
    key = created.body.widget_key;
  });
  afterAll(() => t.close());

  const config = (forwardedFor: string) =>
    t
      .http()
      .get(`/widget/v1/${key}/config`)
      .set('Origin', SITE)
      .set('X-Forwarded-For', forwardedFor);

  it('counts the address the proxy saw, whatever the client put before it', async () => {
    // 300 per 10 s per address: a client naming another address on each request is still one.
    const statuses: number[] = [];
    for (let i = 0; i < 301; i++)
      statuses.push((await config(`203.0.113.${i % 250}, 198.51.100.7`)).status);
    expect(statuses.slice(0, 300).every((s) => s === 200)).toBe(true);
    expect(statuses[300]).toBe(429);
    // Another visitor behind the same proxy has an allowance of their own.
    await config('198.51.100.8').expect(200);
  });
});
