import { ulid } from 'ulid';
import { LOGGER } from '../src/common/logger';
import { DatabaseReady } from '../src/database/database-ready';
import { MetricsService } from '../src/metrics/metrics.service';
import { RetentionRepository } from '../src/retention/retention.repository';
import { RetentionSweeper } from '../src/retention/retention-sweeper';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Asks a name, says goodbye and closes: two turns, three messages, two traces. */
const flow = {
  start: 'ask',
  states: {
    ask: { message: 'Your name?', input: { save_to: 'name' }, transitions: { default: 'bye' } },
    bye: { message: 'Bye {{name}}', end: true },
  },
};

/** A second sweeper on the same database, as another instance runs one. */
const secondSweeper = (t: TestApp) =>
  new RetentionSweeper(
    t.handle.app.get(RetentionRepository),
    t.handle.app.get(DatabaseReady),
    t.handle.app.get(MetricsService),
    t.config,
    t.handle.app.get(LOGGER),
  );

describe('Retention', () => {
  describe('a sweep over rows of every age', () => {
    let t: TestApp;
    let auth: { Authorization: string };
    const ago = (ms: number) => new Date(Date.now() - ms);
    /** A ULID made `ms` ago: the id a row made then has. */
    const idAgo = (ms: number) => ulid(Date.now() - ms);

    beforeAll(async () => {
      t = await startTestApp({
        RETENTION_SWEEP_MS: '0',
        OUTBOX_RETENTION_DAYS: '7',
        INBOX_RETENTION_DAYS: '14',
        TRACE_RETENTION_DAYS: '14',
        MESSAGE_RETENTION_DAYS: '30',
      });
      ({ auth } = await t.newWorkspace());
    });
    afterAll(() => t.close());

    const sql = (text: string, params: unknown[] = []) => t.db.query(text, params);

    /** A conversation made `createdMs` ago, last active `updatedMs` ago, with 3 messages then. */
    async function conversation(
      chatbotId: string,
      p: { status: string; createdMs: number; updatedMs: number; expiresMs?: number },
    ): Promise<{ id: string; messageIds: string[] }> {
      const id = idAgo(p.createdMs);
      await sql(
        `INSERT INTO conversations (id, chatbot_id, channel, user_id, status, message_count,
                                    last_message_preview, expires_at, created_at, updated_at)
         VALUES ($1, $2, 'api', $7, $3, 3, 'my card number is 4242', $4, $5, $6)`,
        [
          id,
          chatbotId,
          p.status,
          p.expiresMs === undefined ? null : ago(p.expiresMs),
          ago(p.createdMs),
          ago(p.updatedMs),
          `user-${id}`,
        ],
      );
      const messageIds: string[] = [];
      for (const [seq, at] of [
        p.createdMs,
        (p.createdMs + p.updatedMs) / 2,
        p.updatedMs,
      ].entries()) {
        const mid = idAgo(at);
        messageIds.push(mid);
        await sql(
          `INSERT INTO messages (id, conversation_id, seq, direction, message, created_at)
           VALUES ($1, $2, $3, 'inbound', '{"type":"text","text":"hi"}', $4)`,
          [mid, id, seq + 1, ago(at)],
        );
      }
      return { id, messageIds };
    }

    async function trace(conversationId: string, atMs: number): Promise<string> {
      const id = idAgo(atMs);
      await sql(
        `INSERT INTO conversation_traces (id, conversation_id, events, duration_ms, created_at)
         VALUES ($1, $2, '[]', 1, $3)`,
        [id, conversationId, ago(atMs)],
      );
      return id;
    }

    async function outbox(chatbotId: string, status: string, createdMs: number, doneMs?: number) {
      const id = idAgo(createdMs);
      await sql(
        `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, payload, status, created_at,
                             next_attempt_at, done_at)
         VALUES ($1, 'test.kind', $6, $2, '{}', $3, $4, now() + interval '1 day', $5)`,
        [
          id,
          chatbotId,
          status,
          ago(createdMs),
          doneMs === undefined ? null : ago(doneMs),
          `key-${id}`,
        ],
      );
      return id;
    }

    async function inbox(
      integrationId: string,
      chatbotId: string,
      status: string,
      receivedMs: number,
      processedMs?: number,
    ) {
      const id = idAgo(receivedMs);
      await sql(
        `INSERT INTO inbox_events (id, integration_id, chatbot_id, channel, provider_message_id, kind,
                                   payload, status, received_at, processed_at, next_attempt_at)
         VALUES ($1, $2, $3, 'web', $7, 'message', '{}', $4, $5, $6, now() + interval '1 day')`,
        [
          id,
          integrationId,
          chatbotId,
          status,
          ago(receivedMs),
          processedMs === undefined ? null : ago(processedMs),
          `wamid-${id}`,
        ],
      );
      return id;
    }

    const ids = async (table: string, key = 'id'): Promise<string[]> =>
      (await sql(`SELECT ${key} AS id FROM ${table}`)).map((r: { id: string }) => String(r.id));

    it("should keep a chatbot's own periods, shown in its record, and refuse bad ones with their path", async () => {
      const bot = await publishedBot(t, auth, flow);
      const set = await t
        .http()
        .patch(bot.base)
        .set(auth)
        .send({ retention: { traces_days: 3, messages_days: 0 } })
        .expect(200);
      expect(set.body.retention).toEqual({ traces_days: 3, messages_days: 0 });

      const partial = await t
        .http()
        .patch(bot.base)
        .set(auth)
        .send({ retention: { messages_days: 0.5 } })
        .expect(200);
      expect(partial.body.retention).toEqual({ traces_days: 3, messages_days: 0.5 });
      expect((await t.http().get(bot.base).set(auth).expect(200)).body.retention).toEqual({
        traces_days: 3,
        messages_days: 0.5,
      });

      for (const [retention, path] of [
        [{ traces_days: -1 }, 'retention.traces_days'],
        [{ messages_days: 36_501 }, 'retention.messages_days'],
        [{ traces_days: '7' }, 'retention.traces_days'],
        [{ keep: 'forever' }, 'retention.keep'],
        ['a week', 'retention'],
      ] as const) {
        const bad = await t.http().patch(bot.base).set(auth).send({ retention }).expect(400);
        expect(bad.body.errors).toEqual([{ path, message: expect.any(String) }]);
      }

      const reset = await t.http().patch(bot.base).set(auth).send({ retention: null }).expect(200);
      expect(reset.body.retention).toEqual({ traces_days: null, messages_days: null });
    });

    it('should delete what is past its period, keep the rest (open conversations whole), and share the work between two sweepers', async () => {
      // Chatbots: the defaults; traces 3 days and messages for ever; traces 60 days and messages 10.
      const plain = await publishedBot(t, auth, flow);
      const short = await publishedBot(t, auth, flow);
      const long = await publishedBot(t, auth, flow);
      await t
        .http()
        .patch(short.base)
        .set(auth)
        .send({ retention: { traces_days: 3, messages_days: 0 } })
        .expect(200);
      await t
        .http()
        .patch(long.base)
        .set(auth)
        .send({ retention: { traces_days: 60, messages_days: 10 } })
        .expect(200);

      // A real conversation of today, closed: kept whole.
      const session = await t
        .http()
        .post(`${plain.base}/chat/sessions`)
        .set(auth)
        .send({})
        .expect(201);
      const today = session.body.session_id as string;
      await t
        .http()
        .post(`${plain.base}/chat/sessions/${today}/messages`)
        .set(auth)
        .send({ message: 'Asha' })
        .expect(200);

      const closedLongAgo = await conversation(plain.chatbotId, {
        status: 'CLOSED',
        createdMs: 60 * DAY,
        updatedMs: 40 * DAY,
      });
      const expiredLongAgo = await conversation(plain.chatbotId, {
        status: 'ACTIVE',
        createdMs: 50 * DAY,
        updatedMs: 45 * DAY,
        expiresMs: 44 * DAY,
      });
      // Closed 10 days ago after a long life: its history is kept whole, the oldest too.
      const closedLately = await conversation(plain.chatbotId, {
        status: 'CLOSED',
        createdMs: 60 * DAY,
        updatedMs: 10 * DAY,
      });
      // Waiting for a person since long ago: open, never touched.
      const handedOff = await conversation(plain.chatbotId, {
        status: 'HANDOFF_PENDING',
        createdMs: 60 * DAY,
        updatedMs: 40 * DAY,
      });
      const talking = await conversation(plain.chatbotId, {
        status: 'AGENT_ACTIVE',
        createdMs: 60 * DAY,
        updatedMs: 40 * DAY,
      });
      const shortClosed = await conversation(short.chatbotId, {
        status: 'CLOSED',
        createdMs: 400 * DAY,
        updatedMs: 400 * DAY,
      });
      const longClosed = await conversation(long.chatbotId, {
        status: 'CLOSED',
        createdMs: 25 * DAY,
        updatedMs: 20 * DAY,
      });

      const gone = new Set<string>([
        ...closedLongAgo.messageIds,
        ...expiredLongAgo.messageIds,
        ...longClosed.messageIds,
      ]);
      const kept = new Set<string>([
        ...closedLately.messageIds,
        ...handedOff.messageIds,
        ...talking.messageIds,
        ...shortClosed.messageIds,
      ]);

      // Traces: plain keeps 14 days, short 3, long 60; of an open conversation too.
      const traces = {
        gone: [
          await trace(handedOff.id, 20 * DAY),
          await trace(shortClosed.id, 5 * DAY),
          await trace(longClosed.id, 61 * DAY),
        ],
        kept: [
          await trace(handedOff.id, 5 * DAY),
          await trace(shortClosed.id, 2 * DAY),
          await trace(longClosed.id, 20 * DAY),
        ],
      };

      // A web integration, its sessions: the one of a finished history goes with it.
      const integrationId = ulid();
      await sql(
        `INSERT INTO integrations (id, chatbot_id, type, name, config) VALUES ($1, $2, 'web', 'site', '{}')`,
        [integrationId, plain.chatbotId],
      );
      for (const c of [closedLongAgo, handedOff, closedLately])
        await sql(
          `INSERT INTO web_sessions (conversation_id, integration_id, visitor_id, token_hash)
           VALUES ($1, $2, 'visitor-1', '\\x00')`,
          [c.id, integrationId],
        );

      const outboxRows = {
        gone: [
          await outbox(plain.chatbotId, 'done', 10 * DAY, 10 * DAY),
          await outbox(plain.chatbotId, 'failed', 12 * DAY, 8 * DAY),
        ],
        kept: [
          await outbox(plain.chatbotId, 'done', 9 * DAY, 2 * DAY),
          await outbox(plain.chatbotId, 'pending', 30 * DAY),
        ],
      };
      const inboxRows = {
        gone: [await inbox(integrationId, plain.chatbotId, 'done', 20 * DAY, 20 * DAY)],
        kept: [
          await inbox(integrationId, plain.chatbotId, 'done', 5 * DAY, 5 * DAY),
          await inbox(integrationId, plain.chatbotId, 'pending', 30 * DAY),
        ],
      };

      await sql(
        `INSERT INTO turn_waiters (conversation_id, expires_at)
         VALUES ($1, now() - interval '2 minutes'), ($1, now() + interval '30 seconds')`,
        [handedOff.id],
      );
      await sql(
        `INSERT INTO outbound_requests (chatbot_id, idempotency_key, request_hash, created_at)
         VALUES ($1, 'old', 'h', $2), ($1, 'fresh', 'h', $3)`,
        [plain.chatbotId, ago(25 * HOUR), ago(HOUR)],
      );

      const todayMessages = await ids(`messages WHERE conversation_id = '${today}'`);
      const todayTraces = await ids(`conversation_traces WHERE conversation_id = '${today}'`);
      expect(todayMessages).toHaveLength(3);
      expect(todayTraces).toHaveLength(2);

      // Two instances sweeping at once: every due row goes once, none is fought over.
      const passes = await Promise.all([
        t.handle.app.get(RetentionSweeper).runOnce(),
        secondSweeper(t).runOnce(),
      ]);
      const deleted = (table: string) =>
        passes.reduce(
          (n, p) => n + (p?.deleted[table as keyof NonNullable<typeof p>['deleted']] ?? 0),
          0,
        );
      expect(passes.every((p) => p?.complete)).toBe(true);
      expect(deleted('messages')).toBe(gone.size);
      expect(deleted('conversation_traces')).toBe(traces.gone.length);
      expect(deleted('outbox')).toBe(outboxRows.gone.length);
      expect(deleted('inbox_events')).toBe(inboxRows.gone.length);
      expect(deleted('web_sessions')).toBe(1);
      expect(deleted('turn_waiters')).toBe(1);
      expect(deleted('outbound_requests')).toBe(1);

      const messages = new Set(await ids('messages'));
      for (const id of gone) expect(messages.has(id)).toBe(false);
      for (const id of [...kept, ...todayMessages]) expect(messages.has(id)).toBe(true);
      expect(await ids('conversation_traces')).toEqual(
        expect.arrayContaining([...traces.kept, ...todayTraces]),
      );
      expect(await ids('conversation_traces')).toHaveLength(traces.kept.length + 2);
      expect((await ids('outbox')).sort()).toEqual(outboxRows.kept.sort());
      expect((await ids('inbox_events')).sort()).toEqual(inboxRows.kept.sort());
      expect((await ids('web_sessions', 'conversation_id')).sort()).toEqual(
        [handedOff.id, closedLately.id].sort(),
      );
      expect(
        await sql(`SELECT count(*)::int AS n FROM turn_waiters WHERE expires_at > now()`),
      ).toEqual([{ n: 1 }]);
      expect(await ids('outbound_requests', 'idempotency_key')).toEqual(['fresh']);

      // The conversation rows stay, with their counts; the preview went with the messages.
      const rows = await sql(
        `SELECT id, message_count, last_message_preview FROM conversations WHERE id = ANY($1)`,
        [[closedLongAgo.id, closedLately.id]],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { id: closedLongAgo.id, message_count: 3, last_message_preview: null },
          { id: closedLately.id, message_count: 3, last_message_preview: 'my card number is 4242' },
        ]),
      );
      const listed = await t
        .http()
        .get(`${plain.base}/conversations/${closedLongAgo.id}/messages`)
        .set(auth)
        .expect(200);
      expect(listed.body.data ?? listed.body.items).toEqual([]);

      // Nothing more is due; the deletions are counted in /metrics.
      const again = await t.handle.app.get(RetentionSweeper).runOnce();
      expect(Object.values(again?.deleted ?? {}).every((n) => n === 0)).toBe(true);
      const metrics = (await t.http().get('/metrics').expect(200)).text;
      expect(metrics).toContain(`retention_deleted_rows_total{table="messages"} ${gone.size}`);
      expect(metrics).toContain(`retention_deleted_rows_total{table="conversation_traces"} 3`);
    });
  });

  describe('under a steady load', () => {
    let t: TestApp;
    let auth: { Authorization: string };

    beforeAll(async () => {
      // Everything is due as soon as it is finished: the sweep runs as often as it can.
      t = await startTestApp({
        RETENTION_SWEEP_MS: '0',
        TRACE_RETENTION_DAYS: '0.000000001',
        MESSAGE_RETENTION_DAYS: '0.000000001',
        RETENTION_BATCH_SIZE: '50',
      });
      ({ auth } = await t.newWorkspace());
    });
    afterAll(() => t.close());

    const count = async (table: string): Promise<number> =>
      (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

    it('should keep traces and messages flat while turns run, every turn answered', async () => {
      const bot = await publishedBot(t, auth, flow);
      const sweeper = t.handle.app.get(RetentionSweeper);
      const WORKERS = 6;
      const SESSIONS_PER_WORKER = 40;
      const load = { started: 0, done: 0, sessions: 0, closed: 0, failed: [] as string[] };

      const turn = async (path: string, body: object, expected: number) => {
        load.started++;
        const res = await t.http().post(`${bot.base}${path}`).set(auth).send(body);
        load.done++;
        if (res.status !== expected) load.failed.push(`${res.status} ${JSON.stringify(res.body)}`);
        return res;
      };
      const worker = async (w: number) => {
        for (let i = 0; i < SESSIONS_PER_WORKER; i++) {
          load.sessions++;
          const opened = await turn('/chat/sessions', {}, 201);
          const sid = opened.body.session_id as string;
          const closed = await turn(`/chat/sessions/${sid}/messages`, { message: `u${w}` }, 200);
          if (closed.body.status === 'CLOSED') load.closed++;
        }
      };

      // Sweeps back to back while the load runs; after each, the tables hold at most the
      // rows of turns that had not finished before it began.
      const samples: Array<{ traces: number; messages: number; bound: number }> = [];
      let running = true;
      const sweeps = (async () => {
        while (running) {
          const doneBefore = load.done;
          const closedBefore = load.closed;
          // The pass's clock is then past every turn counted as done.
          await new Promise((r) => setTimeout(r, 2));
          const pass = await sweeper.runOnce();
          expect(pass?.complete).toBe(true);
          const [traces, messages] = [await count('conversation_traces'), await count('messages')];
          samples.push({ traces, messages, bound: load.started - doneBefore });
          // A turn leaves one trace; a session at most 3 messages, kept until it closes.
          expect(traces).toBeLessThanOrEqual(load.started - doneBefore);
          expect(messages).toBeLessThanOrEqual(3 * (load.sessions - closedBefore));
        }
      })();
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      running = false;
      await sweeps;

      const turns = WORKERS * SESSIONS_PER_WORKER * 2;
      expect(load.failed).toEqual([]);
      expect(load.done).toBe(turns);
      expect(load.closed).toBe(turns / 2);
      expect(samples.length).toBeGreaterThan(3);
      // Every turn left a trace and 1.5 messages; the tables never held more than a few turns' worth.
      const most = Math.max(...samples.map((s) => s.traces));
      expect(most).toBeLessThan(turns / 4);

      // Load over: one more pass leaves nothing of finished conversations.
      await waitFor(async () => (await sweeper.runOnce()) !== undefined);
      expect(await count('conversation_traces')).toBe(0);
      expect(await count('messages')).toBe(0);
      expect(await count('conversations')).toBe(turns / 2);
    });
  });
});
