import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import { LOGGER } from '../src/common/logger';
import { APP_CONFIG } from '../src/config/config.module';
import { DatabaseReady } from '../src/database/database-ready';
import { InboxEventRejected, type InboxEvent, type NewInboxEvent } from '../src/inbox/inbox-event';
import { InboxHandlers } from '../src/inbox/inbox-handlers';
import { InboxProcessor } from '../src/inbox/inbox-processor';
import { InboxService } from '../src/inbox/inbox.service';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { TurnService } from '../src/conversation/turn.service';
import { Backend, startBackend } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => Promise<boolean> | boolean, what: string, boundMs = 20_000) {
  const end = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

const ENV = {
  OUTBOX_POLL_MS: '50',
  OUTBOX_SHUTDOWN_MS: '500',
  OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
  INBOX_CONCURRENCY: '16',
};

/** An echo bot: every message is answered with "got <text>", so history shows the order. */
const ECHO = {
  start: 'echo',
  states: { echo: { message: 'got {{last_input}}', transitions: { default: 'echo' } } },
};

/** A flow whose every turn at `call` waits for the backend's /slow, then says "done" at `ok`. */
const slowFlow = (backend: Backend, ok: Record<string, unknown>) => ({
  start: 'call',
  states: {
    call: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backend.url}/slow`,
          method: 'GET',
          success_transition: 'ok',
          failure_transition: 'ok',
        },
      ],
    },
    ok: { message: 'done', ...ok },
  },
});

describe('Inbox', () => {
  let t: TestApp;
  let inbox: InboxService;
  let bot: { chatbotId: string; base: string };
  let integrationId: string;
  let auth: Record<string, string>;

  async function setUp(app: TestApp) {
    t = app;
    inbox = t.handle.app.get(InboxService);
    auth = (await t.newWorkspace()).auth;
    bot = await publishedBot(t, auth, ECHO);
    const integration = await t
      .http()
      .post(`${bot.base}/integrations`)
      .set(auth)
      .send({ type: 'http', name: 'provider', base_url: 'https://api.example.com' })
      .expect(201);
    integrationId = integration.body.id as string;
  }
  const leftovers: string[] = [];
  beforeEach(async () => setUp(await startTestApp(ENV)));
  afterEach(async () => {
    await t.close();
    for (const dir of leftovers.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const message = (user: string, text: string, id = ulid()): NewInboxEvent => ({
    integrationId,
    chatbotId: bot.chatbotId,
    channel: 'whatsapp',
    providerMessageId: `wamid.${id}`,
    kind: 'message',
    sessionKey: user,
    payload: { userId: user, message: { type: 'text', text } },
  });

  async function history(user: string, chatbotId = bot.chatbotId): Promise<string[]> {
    const rows = await t.db.query(
      `SELECT m.message->>'text' AS text FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.chatbot_id = $1 AND c.user_id = $2 ORDER BY c.created_at, m.seq`,
      [chatbotId, user],
    );
    return rows.map((r: { text: string }) => r.text);
  }

  const pending = async () =>
    Number(
      (await t.db.query(`SELECT count(*)::int AS n FROM inbox_events WHERE status = 'pending'`))[0]
        .n,
    );

  it('should process a provider event stored twice, or twenty times at once, exactly once', async () => {
    const event = message('+255711000001', 'hello');
    expect(await inbox.accept(event)).toBe(true);
    expect(await inbox.accept(event)).toBe(false);
    const burst = message('+255711000001', 'again');
    const stored = await Promise.all(Array.from({ length: 20 }, () => inbox.accept(burst)));
    expect(stored.filter(Boolean)).toHaveLength(1);
    await until(async () => (await pending()) === 0, 'the inbox to drain');
    expect(await history('+255711000001')).toEqual(['hello', 'got ', 'again', 'got again']);
    const events = await t.db.query(`SELECT status FROM inbox_events`);
    expect(events).toEqual([{ status: 'done' }, { status: 'done' }]);
  });

  it('should keep arrival order per user across many users, with two processors', async () => {
    const app = t.handle.app;
    const second = new InboxProcessor(
      app.get(InboxRepository),
      app.get(InboxHandlers),
      app.get(TurnService),
      app.get(DatabaseReady),
      app.get(APP_CONFIG),
      app.get<Logger>(LOGGER),
    );
    second.onApplicationBootstrap();
    const users = ['+255711000011', '+255711000012', '+255711000013', '+255711000014'];
    for (let n = 0; n < 6; n++)
      for (const user of users) await inbox.accept(message(user, `m${n}`));
    second.kick();
    await until(async () => (await pending()) === 0, 'the inbox to drain');
    await second.beforeApplicationShutdown();
    for (const user of users) {
      const texts = await history(user);
      expect(texts.filter((x) => !x.startsWith('got'))).toEqual([
        'm0',
        'm1',
        'm2',
        'm3',
        'm4',
        'm5',
      ]);
      // m0 opened the session (its answer is the start message); each later one is echoed once.
      expect(texts.filter((x) => x.startsWith('got '))).toHaveLength(6);
    }
  });

  it("should take a turn's lease in the statement storing its message, in order, and give back one no turn used", async () => {
    const user = '+255711000051';
    const leaseOf = async () =>
      (
        await t.db.query(
          `SELECT lease_owner FROM conversations WHERE chatbot_id = $1 AND user_id = $2`,
          [bot.chatbotId, user],
        )
      ).map((r: { lease_owner: string | null }) => r.lease_owner);
    // The first message opens the session; then twenty at once, one of them sent twice.
    expect(await inbox.acceptAndProcess(message(user, 'm0'), user)).toBe(true);
    await until(async () => (await history(user)).length === 2, 'the first turn');
    const burst = Array.from({ length: 20 }, (_, n) => message(user, `m${n + 1}`));
    const stored = await Promise.all(
      [...burst, burst[7]].map((e) => inbox.acceptAndProcess(e, user)),
    );
    expect(stored.filter(Boolean)).toHaveLength(20);
    await until(async () => (await pending()) === 0, 'the inbox to drain');
    // Arrival order is the order the stores committed (`seq`), whichever call started first.
    const texts: string[] = (
      await t.db.query(
        `SELECT payload->'message'->>'text' AS text FROM inbox_events WHERE session_key = $1 ORDER BY seq`,
        [user],
      )
    ).map((r: { text: string }) => r.text);
    expect([...texts].sort()).toEqual(Array.from({ length: 21 }, (_, n) => `m${n}`).sort());
    // A new session's first turn runs the start state before reading input: "got ".
    expect(await history(user)).toEqual(
      texts.flatMap((m) => [m, m === 'm0' ? 'got ' : `got ${m}`]),
    );
    expect(await leaseOf()).toEqual([null]);

    // A held lease: the message waits in line and runs when it is let go.
    await t.db.query(
      `UPDATE conversations SET lease_owner = 'someone', lease_until = now() + interval '1 minute'
        WHERE chatbot_id = $1 AND user_id = $2`,
      [bot.chatbotId, user],
    );
    expect(await inbox.acceptAndProcess(message(user, 'held'), user)).toBe(true);
    await sleep(300);
    // Still the burst's last stored message (by seq, which is not always m20 on PostgreSQL).
    expect((await history(user)).at(-1)).toBe(`got ${texts.at(-1)}`);
    await t.db.query(
      `UPDATE conversations SET lease_owner = NULL, lease_until = NULL WHERE user_id = $1`,
      [user],
    );
    await until(async () => (await history(user)).at(-1) === 'got held', 'the waiting turn');

    // An event whose handler runs no turn: the lease taken for it is given back at once.
    t.handle.app.get(InboxHandlers).register({ kind: 'no-turn', handle: async () => undefined });
    expect(await inbox.acceptAndProcess({ ...message(user, 'x'), kind: 'no-turn' }, user)).toBe(
      true,
    );
    await until(async () => (await pending()) === 0, 'the no-turn event');
    expect(await leaseOf()).toEqual([null]);
    expect(await inbox.acceptAndProcess(message(user, 'after'), user)).toBe(true);
    await until(async () => (await history(user)).at(-1) === 'got after', 'the next turn', 3000);
  });

  it('should run a burst stored at once in at most its slots, the rest claimed later, each event once and in order', async () => {
    // More users than slots: each user's first event could start at once.
    const users = Array.from({ length: 40 }, (_, n) => `+25571100${String(300 + n)}`);
    const seen = new Map<string, string[]>(users.map((u) => [u, []]));
    let running = 0;
    let most = 0;
    t.handle.app.get(InboxHandlers).register({
      kind: 'slow',
      handle: async (e: InboxEvent) => {
        running++;
        most = Math.max(most, running);
        await sleep(200);
        const p = e.payload as { userId: string; message: { text: string } };
        seen.get(p.userId)!.push(p.message.text);
        running--;
      },
    });
    const burst = Array.from({ length: 80 }, (_, n) => ({
      ...message(users[n % users.length], `b${n}`),
      kind: 'slow',
    }));
    const stored = await Promise.all(burst.map((e) => inbox.acceptAndProcess(e)));
    expect(stored.every(Boolean)).toBe(true);
    await until(async () => (await pending()) === 0, 'the inbox to drain');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(16);
    // Each user's events in arrival order: the order their stores committed (`seq`), which
    // concurrent stores on PostgreSQL decide, not the order the calls started.
    const arrived = await t.db.query<Array<{ user: string; text: string }>>(
      `SELECT session_key AS user, payload->'message'->>'text' AS text FROM inbox_events
        WHERE kind = 'slow' ORDER BY seq`,
    );
    expect(arrived).toHaveLength(burst.length);
    for (const user of users)
      expect(seen.get(user)).toEqual(arrived.filter((r) => r.user === user).map((r) => r.text));
  });

  it('should not hold delivery statuses behind a slow turn', async () => {
    const backend: Backend = await startBackend();
    try {
      backend.respond(() => ({ status: 200, body: {}, delayMs: 3000 }));
      const slow = await publishedBot(t, auth, slowFlow(backend, { end: true }));
      const seen: string[] = [];
      t.handle.app.get(InboxHandlers).register({
        kind: 'status',
        handle: async (e: InboxEvent) => {
          seen.push((e.payload as { status: string }).status);
        },
      });
      await inbox.accept({ ...message('+255711000021', 'hi'), chatbotId: slow.chatbotId });
      await until(() => backend.calls.length === 1, 'the slow turn to start');
      await inbox.accept({
        integrationId,
        chatbotId: bot.chatbotId,
        channel: 'whatsapp',
        providerMessageId: 'status-1',
        kind: 'status',
        sessionKey: null,
        payload: { status: 'delivered' },
      });
      await until(() => seen.length === 1, 'the status', 2500);
      const [turnEvent] = await t.db.query(
        `SELECT status FROM inbox_events WHERE kind = 'message'`,
      );
      expect(turnEvent.status).toBe('pending'); // the slow turn is still running
    } finally {
      await backend.close();
    }
  });

  it('should write nothing of a turn whose event another instance finished meanwhile', async () => {
    // An instance stopping gives back the claims of turns still running; another instance may
    // then run the event's turn while the first one's still commits: one of them must write.
    const backend: Backend = await startBackend();
    try {
      backend.respond(() => ({ status: 200, body: {}, delayMs: 1500 }));
      const slow = await publishedBot(
        t,
        auth,
        slowFlow(backend, { transitions: { default: 'call' } }),
      );
      const user = '+255711000061';
      await inbox.accept({ ...message(user, 'first'), chatbotId: slow.chatbotId });
      await until(async () => (await pending()) === 0, 'the first turn');
      await inbox.accept({ ...message(user, 'again'), chatbotId: slow.chatbotId });
      await until(() => backend.calls.length === 2, "the second turn's call");
      // Another instance committed this event's turn while this one's call ran.
      await t.db.query(
        `UPDATE inbox_events SET status = 'done', processed_at = now(), locked_by = NULL, locked_until = NULL
          WHERE chatbot_id = $1 AND status = 'pending'`,
        [slow.chatbotId],
      );
      const lease = async () =>
        (
          await t.db.query(`SELECT lease_owner FROM conversations WHERE chatbot_id = $1`, [
            slow.chatbotId,
          ])
        )[0].lease_owner as string | null;
      await until(async () => (await lease()) === null, 'the turn to end and free its lease');
      // Only the first message's turn is written: "again" was the other instance's to keep.
      expect(await history(user, slow.chatbotId)).toEqual(['first', 'done']);
    } finally {
      await backend.close();
    }
  });

  it('should retry a failing handler, fail an event for good with its reason, and go on with the next', async () => {
    let calls = 0;
    t.handle.app.get(InboxHandlers).register({
      kind: 'flaky',
      handle: async (e: InboxEvent) => {
        calls++;
        const p = e.payload as { mode: string };
        if (p.mode === 'reject') throw new InboxEventRejected('unknown sender');
        if (p.mode === 'once' && e.attempt === 1) throw new Error('provider hiccup');
      },
    });
    const ev = (mode: string): NewInboxEvent => ({
      integrationId,
      chatbotId: bot.chatbotId,
      channel: 'sms',
      providerMessageId: `sms-${mode}`,
      kind: 'flaky',
      sessionKey: '+255711000031',
      payload: { mode },
    });
    await inbox.accept(ev('reject'));
    await inbox.accept(ev('once'));
    await until(async () => (await pending()) === 0, 'both events', 15_000);
    const rows = await t.db.query(
      `SELECT provider_message_id AS id, status, attempts, last_error FROM inbox_events ORDER BY seq`,
    );
    expect(rows).toEqual([
      { id: 'sms-reject', status: 'failed', attempts: 1, last_error: 'unknown sender' },
      { id: 'sms-once', status: 'done', attempts: 2, last_error: null },
    ]);
    expect(calls).toBe(3);
  });

  it('should pick up an event whose claimer died, and events stored before a restart', async () => {
    await t.db.query(
      `INSERT INTO inbox_events (id, integration_id, chatbot_id, channel, provider_message_id, kind, session_key, payload,
                                 attempts, locked_by, locked_until)
       VALUES ($1, $2, $3, 'whatsapp', 'wamid.dead', 'message', '+255711000041', $4, 1, 'inbox:dead', now() - interval '1 second')`,
      [
        ulid(),
        integrationId,
        bot.chatbotId,
        JSON.stringify({ userId: '+255711000041', message: { type: 'text', text: 'orphan' } }),
      ],
    );
    t.handle.app.get(InboxProcessor).kick();
    await until(async () => (await pending()) === 0, 'the orphaned event');
    expect(await history('+255711000041')).toEqual(['orphan', 'got ']);

    // Stored while no processor runs (written straight to the table), then a restart.
    await t.db.query(
      `INSERT INTO inbox_events (id, integration_id, chatbot_id, channel, provider_message_id, kind, session_key, payload)
       VALUES ($1, $2, $3, 'whatsapp', 'wamid.before', 'message', '+255711000042', $4)`,
      [
        ulid(),
        integrationId,
        bot.chatbotId,
        JSON.stringify({ userId: '+255711000042', message: { type: 'text', text: 'stored' } }),
      ],
    );
    t.keep();
    await t.close();
    const again = process.env.DATABASE_URL
      ? await startTestApp(ENV, { databaseUrl: t.databaseUrl, ownsDatabase: true })
      : await startTestApp(ENV, { dataDir: t.dataDir });
    const dataDir = t.dataDir;
    t = again;
    await until(async () => (await pending()) === 0, 'the stored event after the restart');
    expect(await history('+255711000042')).toEqual(['stored', 'got ']);
    if (!process.env.DATABASE_URL) leftovers.push(dataDir);
  });
});
