import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { CLAIM_MS, InboxProcessor } from '../src/inbox/inbox-processor';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { startBackend } from './support/backend';
import { publishedBot } from './support/flows';
import { startGraphApiStub, type GraphApiStub, type StubRequest } from './support/graph-api-stub';
import { startServerProcess, type ServerProcess } from './support/server-process';
import {
  freshPostgresDatabase,
  startTestApp,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from './support/test-app';
import { waitFor } from './support/wait';
import { signedPost, waEnvelope, waText, type WaChange } from './support/whatsapp-webhooks';

/**
 * The WhatsApp webhook answers 200 once a message is stored in the inbox; the turn runs after
 * the answer. These tests check that promise where it is hardest to keep: a process killed
 * between the 200 and the turn's commit, and two instances sharing one PostgreSQL.
 */

const APP_SECRET = 'meta-app-secret-for-process-tests';
const ACCESS_TOKEN = 'EAAprocess-test-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';

/**
 * Every message goes through an API_CALL (held back by the test when it needs a turn in
 * flight), then gets one reply naming what the user said; the first message of a session runs
 * the start, where nothing was said yet.
 */
const lookupFlow = (backendUrl: string) => ({
  start: 'lookup',
  states: {
    lookup: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/lookup`,
          method: 'POST',
          body: { said: '{{said}}' },
          save_to: 'found',
          success_transition: 'answer',
          failure_transition: 'answer',
        },
      ],
    },
    answer: {
      message: 'Looked up "{{said}}".',
      input: { save_to: 'said' },
      transitions: { default: 'lookup' },
    },
  },
});
const replyTo = (said: string) => `Looked up "${said}".`;
/** The reply to a session's first message (the start: nothing said yet). */
const FIRST_REPLY = replyTo('');

const integrationFields = (graph: GraphApiStub) => ({
  type: 'whatsapp',
  name: 'wa-process',
  phone_number_id: PHONE_NUMBER_ID,
  waba_id: '102290129340398',
  access_token: ACCESS_TOKEN,
  app_secret: APP_SECRET,
  verify_token: 'verify-process-tests',
  graph_api_base: graph.url,
  graph_api_version: 'v21.0',
});

const signed = (...changes: WaChange[]) => signedPost(APP_SECRET, waEnvelope(...changes));
const text = (user: string, wamid: string, body: string) =>
  waText(PHONE_NUMBER_ID, user, wamid, body);
const wamid = (tag: string) => `wamid.${tag}.${Math.random().toString(36).slice(2)}`;

/** The message sends (not mark-reads) the stub received for one user, in order of arrival. */
const sendsTo = (graph: GraphApiStub, user: string) =>
  graph.sends().filter((r) => (r.body as { to?: string }).to === user.replace('+', ''));
const textOf = (r: StubRequest) => (r.body as { text?: { body: string } }).text?.body ?? '';

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * A business backend whose calls are held unanswered while `holding` (a turn stays in flight
 * for as long as the test needs); otherwise it answers 200 at once.
 */
async function startHeldBackend() {
  const held: ServerResponse[] = [];
  const calls: string[] = [];
  const state = { holding: true };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push((JSON.parse(body || '{}') as { said?: string }).said ?? '');
      if (state.holding) held.push(res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('WhatsApp with real processes', () => {
  let graph: GraphApiStub;
  beforeAll(async () => {
    graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it(
    'should process a message whose server was killed with SIGKILL between the 200 and the turn after the restart, once',
    async () => {
      const backend = await startHeldBackend();
      // The same database across the kill: a PostgreSQL database of its own when DATABASE_URL
      // is set (CI runs both), else the embedded PGlite in a data folder.
      const pg = await freshPostgresDatabase();
      const dataDir = mkdtempSync(join(tmpdir(), 'gw-wa-kill-'));
      const template = process.env.GW_TEST_PGLITE_TEMPLATE;
      if (!pg && template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
      const key = 'sk_whatsapp_kill_test_key_0123';
      const env = {
        DATA_DIR: dataDir,
        BOOTSTRAP_API_KEY: key,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
        OUTBOX_POLL_MS: '200',
        ...(pg ? { DATABASE_URL: pg.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY } : {}),
      };
      const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
      const user = '+255744100001';
      const first = wamid('kill-first');
      const second = wamid('kill-second');
      let killed: ServerProcess | undefined;
      let restarted: ServerProcess | undefined;
      try {
        killed = await startServerProcess(env);
        const api = async (path: string, body: object) => {
          const res = await fetch(`${killed!.baseUrl}/api/dev/v1${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          });
          const json = (await res.json()) as { id: string };
          if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
          return json;
        };
        const bot = await api('/chatbots', { name: 'killed mid-turn' });
        const flow = await api(`/chatbots/${bot.id}/flows`, {
          name: 'lookup',
          type: 'conversation',
          flow: lookupFlow(backend.url),
        });
        await api(`/chatbots/${bot.id}/flows/${flow.id}/publish`, {});
        const integration = await api(`/chatbots/${bot.id}/integrations`, integrationFields(graph));
        const webhook = (server: ServerProcess, body: ReturnType<typeof signed>) =>
          fetch(`${server.baseUrl}/webhooks/whatsapp/${integration.id}`, {
            method: 'POST',
            headers: body.headers,
            body: body.raw.toString(),
          });

        // The first message is answered 200 and its turn starts: it waits on the backend.
        expect((await webhook(killed, signed(text(user, first, 'Hi')))).status).toBe(200);
        await waitFor(() => backend.calls.length === 1);
        // The second is answered 200 and stored behind it: its turn has not begun.
        expect((await webhook(killed, signed(text(user, second, 'second')))).status).toBe(200);
        const exited = new Promise((resolve) => killed!.child.once('exit', resolve));
        killed.child.kill('SIGKILL');
        await exited;
        expect(sendsTo(graph, user)).toEqual([]);

        backend.state.holding = false;
        restarted = await startServerProcess(env);
        // Meta may deliver the first message again: still 200, still one event.
        expect((await webhook(restarted, signed(text(user, first, 'Hi')))).status).toBe(200);
        // The killed instance's claim on the first event runs out (CLAIM_MS after it was
        // stored), then the restarted one takes both events in order.
        await graph.waitForSends(2, CLAIM_MS + 60_000);
        expect(await restarted.stop()).toBe(0);

        expect(sendsTo(graph, user).map(textOf)).toEqual([FIRST_REPLY, replyTo('second')]);
        expect(graph.sends()).toHaveLength(2);
        // The killed turn's call, then the restarted instance's: the first turn ran again from
        // the start (nothing of the killed one was written), then the second, in order.
        expect(backend.calls).toEqual(['', '', 'second']);

        // Nothing is left to send by a later start: every event and every send is done.
        await readDatabase(pg?.url ?? null, dataDir, async (query) => {
          const events = await query(
            `SELECT provider_message_id AS wamid, status, locked_by FROM inbox_events ORDER BY seq`,
          );
          expect(events).toEqual([
            { wamid: first, status: 'done', locked_by: null },
            { wamid: second, status: 'done', locked_by: null },
          ]);
          const outbox = await query(`SELECT status, count(*)::int AS n FROM outbox GROUP BY 1`);
          expect(outbox).toEqual([{ status: 'done', n: 2 }]);
          const history = await query(
            `SELECT m.direction, m.message->>'text' AS text FROM messages m
               JOIN conversations c ON c.id = m.conversation_id
              WHERE c.channel = 'whatsapp' AND c.user_id = $1 ORDER BY c.created_at, m.seq`,
            [user],
          );
          expect(history).toEqual([
            { direction: 'inbound', text: 'Hi' },
            { direction: 'outbound', text: FIRST_REPLY },
            { direction: 'inbound', text: 'second' },
            { direction: 'outbound', text: replyTo('second') },
          ]);
        });
      } finally {
        killed?.child.kill('SIGKILL');
        restarted?.child.kill('SIGKILL');
        await backend.close();
        await pg?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    CLAIM_MS + 120_000,
  );

  // Two instances need one shared PostgreSQL server: the embedded PGlite serves a single
  // connection to a single process. CI runs the suite a second time on PostgreSQL.
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  onPostgres(
    'should answer every message once and each user in inbox order with two instances on one PostgreSQL',
    async () => {
      const backend = await startBackend();
      backend.respond(() => ({ status: 200, body: { ok: true }, delayMs: 10 }));
      const env = { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOX_POLL_MS: '100' };
      const a = await startTestApp(env);
      const b = await startTestApp(env, { databaseUrl: a.databaseUrl });
      try {
        const auth = (await a.newWorkspace()).auth;
        const { base } = await publishedBot(a, auth, lookupFlow(backend.url));
        const created = await a
          .http()
          .post(`${base}/integrations`)
          .set(auth)
          .send(integrationFields(graph))
          .expect(201);
        const path = `/webhooks/whatsapp/${created.body.id as string}`;
        // .then() sends it now: every post of a Promise.all is in flight at once.
        const post = (app: TestApp, body: ReturnType<typeof signed>) =>
          app
            .http()
            .post(path)
            .set(body.headers)
            .send(body.raw.toString())
            .then((r) => r.status);

        const users = ['+255744200001', '+255744200002', '+255744200003', '+255744200004'];
        // Each user's first message reaches both instances at once (the same wamid twice).
        const opening = users.map((u) => signed(text(u, wamid('open'), 'Hi')));
        const opened = await Promise.all(opening.flatMap((body) => [post(a, body), post(b, body)]));
        expect(opened).toEqual(opened.map(() => 200));
        await waitFor(() => users.every((u) => sendsTo(graph, u).length === 1), 30_000);

        // Then all at once: 20 messages of one user and 5 of each other user, spread over
        // both instances, every fourth one posted to both.
        const messages = users.flatMap((u, n) =>
          Array.from({ length: n === 0 ? 20 : 5 }, (_, i) => ({
            body: signed(text(u, wamid(`m${n}`), `u${n}m${i}`)),
            said: `u${n}m${i}`,
            both: i % 4 === 3,
            first: i % 2 === 0 ? a : b,
          })),
        );
        const statuses = await Promise.all(
          messages.flatMap((m) => [
            post(m.first, m.body),
            ...(m.both ? [post(m.first === a ? b : a, m.body)] : []),
          ]),
        );
        expect(statuses).toEqual(statuses.map(() => 200));
        const total = users.length + messages.length;
        await graph.waitForSends(total, 60_000);
        for (const app of [a, b]) await app.handle.app.get(InboxProcessor).idle();
        for (const app of [a, b]) await app.handle.app.get(OutboxDispatcher).idle();

        // Nothing more can be sent: no event or send is pending on either instance.
        const pending = await a.db.query(
          `SELECT (SELECT count(*)::int FROM inbox_events WHERE status <> 'done') AS inbox,
                  (SELECT count(*)::int FROM outbox WHERE status <> 'done') AS outbox`,
        );
        expect(pending).toEqual([{ inbox: 0, outbox: 0 }]);
        // Each message stored once, answered once: no duplicate send at the stub.
        const [stored] = await a.db.query(
          `SELECT count(*)::int AS n, count(DISTINCT provider_message_id)::int AS wamids FROM inbox_events`,
        );
        expect(stored).toEqual({ n: total, wamids: total });
        expect(graph.sends()).toHaveLength(total);
        const sent = graph.sends().map((r) => `${(r.body as { to: string }).to} ${textOf(r)}`);
        expect(new Set(sent).size).toBe(total);
        // Each user's replies came in the order the inbox numbered their messages.
        for (const user of users) {
          const inOrder = await a.db.query<Array<{ text: string }>>(
            `SELECT payload->'message'->>'text' AS text FROM inbox_events
              WHERE session_key = $1 ORDER BY seq`,
            [user],
          );
          const expected = [FIRST_REPLY, ...inOrder.slice(1).map((r) => replyTo(r.text))];
          expect(inOrder[0].text).toBe('Hi');
          expect(sendsTo(graph, user).map(textOf)).toEqual(expected);
        }
        // And each turn ran once: one backend call per message.
        const said = backend.calls.map((c) => (JSON.parse(c.body) as { said: string }).said);
        expect([...said].sort()).toEqual(
          [...users.map(() => ''), ...messages.map((m) => m.said)].sort(),
        );
      } finally {
        await b.close();
        await a.close();
        await backend.close();
      }
    },
  );
});

/**
 * Reads the database a stopped server process left: its PostgreSQL database, or its PGlite
 * folder (opened here once the server has let go of it).
 */
async function readDatabase(
  url: string | null,
  dataDir: string,
  read: (query: Query) => Promise<void>,
): Promise<void> {
  if (url) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await read(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.end();
    }
    return;
  }
  const db = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
  try {
    await read(async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows);
  } finally {
    await db.close();
  }
}
