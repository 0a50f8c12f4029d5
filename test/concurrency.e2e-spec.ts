import { Backend, startBackend } from './support/backend';
import { echoFlow, publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

async function sendAll(
  t: TestApp[],
  auth: Record<string, string>,
  base: string,
  sid: string,
  texts: string[],
) {
  return Promise.all(
    texts.map((message, i) =>
      t[i % t.length]
        .http()
        .post(`${base}/chat/sessions/${sid}/messages`)
        .set(auth)
        .send({ message }),
    ),
  );
}

async function until(check: () => boolean, what: string, boundMs = 10_000) {
  const end = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Concurrent messages to one session', () => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await startBackend();
    backend.respond(() => ({ status: 200, body: { ok: true }, delayMs: 15 }));
  });
  afterEach(() => backend.close());

  it('should answer all 20, process each exactly once, never two at a time (one instance)', async () => {
    const t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    try {
      const auth = (await t.newWorkspace()).auth;
      const { base } = await publishedBot(t, auth, echoFlow(backend.url));
      const sid = (await t.http().post(`${base}/chat/sessions`).set(auth).expect(201)).body
        .session_id;
      const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const replies = await sendAll([t], auth, base, sid, texts);
      expect(replies.map((r) => r.status)).toEqual(texts.map(() => 200));
      expect(backend.maxInFlight).toBe(1);
      const seen = backend.calls.map((c) => (JSON.parse(c.body) as { said: string }).said);
      expect([...seen].sort()).toEqual([...texts].sort());
      // Within one instance, messages are processed in arrival order.
      expect(seen).toEqual(texts);
      const history = await t
        .http()
        .get(`${base}/conversations/${sid}/messages?limit=200`)
        .set(auth)
        .expect(200);
      const inbound = history.body.items.filter(
        (m: { direction: string }) => m.direction === 'inbound',
      );
      expect(inbound.map((m: { message: { text: string } }) => m.message.text)).toEqual(seen);
      expect(history.body.total).toBe(1 + 20 * 2);
    } finally {
      await t.close();
    }
  });

  // Two instances need one shared PostgreSQL server: the embedded PGlite serves a single
  // connection to a single process. CI runs the suite a second time on PostgreSQL.
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  onPostgres(
    'should serialise one session across two server instances on one PostgreSQL',
    async () => {
      const a = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
      const b = await startTestApp(
        { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' },
        { databaseUrl: a.databaseUrl },
      );
      try {
        const auth = (await a.newWorkspace()).auth;
        const { base } = await publishedBot(a, auth, echoFlow(backend.url));
        const sid = (await a.http().post(`${base}/chat/sessions`).set(auth).expect(201)).body
          .session_id;
        const texts = Array.from({ length: 20 }, (_, i) => `x${i}`);
        const replies = await sendAll([a, b], auth, base, sid, texts);
        expect(replies.map((r) => r.status)).toEqual(texts.map(() => 200));
        expect(backend.maxInFlight).toBe(1);
        const seen = backend.calls.map((c) => (JSON.parse(c.body) as { said: string }).said);
        expect([...seen].sort()).toEqual([...texts].sort());
        const history = await b
          .http()
          .get(`${base}/conversations/${sid}/messages?limit=200`)
          .set(auth)
          .expect(200);
        expect(history.body.total).toBe(1 + 20 * 2);
      } finally {
        await b.close();
        await a.close();
      }
    },
  );

  onPostgres(
    'should serve one session in arrival order when messages alternate between two instances',
    async () => {
      backend.respond((call) => ({
        status: 200,
        body: { ok: true },
        delayMs: call.body.includes('"slow"') ? 1_200 : 15,
      }));
      const a = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
      const b = await startTestApp(
        { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' },
        { databaseUrl: a.databaseUrl },
      );
      try {
        const auth = (await a.newWorkspace()).auth;
        const { base } = await publishedBot(a, auth, echoFlow(backend.url));
        const sid = (await a.http().post(`${base}/chat/sessions`).set(auth).expect(201)).body
          .session_id;
        const post = (t: TestApp, message: string) =>
          // .then() sends it now (supertest sends only once awaited).
          t
            .http()
            .post(`${base}/chat/sessions/${sid}/messages`)
            .set(auth)
            .send({ message })
            .then((r) => r);
        // One slow turn holds the session; then m1..m10 arrive 120 ms apart, alternating.
        const pending = [post(a, 'slow')];
        await until(() => backend.calls.length === 1, 'the slow turn to reach the backend');
        const texts = Array.from({ length: 10 }, (_, i) => `m${i + 1}`);
        for (const [i, text] of texts.entries()) {
          pending.push(post(i % 2 === 0 ? b : a, text));
          await new Promise((r) => setTimeout(r, 120));
        }
        const replies = await Promise.all(pending);
        expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
        const seen = backend.calls.map((c) => (JSON.parse(c.body) as { said: string }).said);
        expect(seen).toEqual(['slow', ...texts]);
        expect(backend.maxInFlight).toBe(1);
        const waiting = await a.db.query(`SELECT count(*)::int AS n FROM turn_waiters`);
        expect(waiting).toEqual([{ n: 0 }]);
      } finally {
        await b.close();
        await a.close();
      }
    },
  );

  it('should answer 503 with Retry-After when a message waits longer than the bound', async () => {
    const t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', TURN_WAIT_MS: '200' });
    try {
      backend.respond(() => ({ status: 200, body: { ok: true }, delayMs: 600 }));
      const auth = (await t.newWorkspace()).auth;
      const { base } = await publishedBot(t, auth, echoFlow(backend.url));
      const sid = (await t.http().post(`${base}/chat/sessions`).set(auth).expect(201)).body
        .session_id;
      const [first, second] = await sendAll([t], auth, base, sid, ['slow', 'impatient']);
      expect(first.status).toBe(200);
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('1');
      expect(backend.calls).toHaveLength(1);
      // Nothing was lost: the first message is stored, the refused one was never half-processed.
      const history = await t
        .http()
        .get(`${base}/conversations/${sid}/messages`)
        .set(auth)
        .expect(200);
      const inbound = history.body.items.filter(
        (m: { direction: string }) => m.direction === 'inbound',
      );
      expect(inbound.map((m: { message: { text: string } }) => m.message.text)).toEqual(['slow']);
    } finally {
      await t.close();
    }
  });
});
