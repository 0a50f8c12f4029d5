import { ulid } from 'ulid';
import type { Logger } from 'pino';
import { LOGGER } from '../src/common/logger';
import { APP_CONFIG } from '../src/config/config.module';
import { ConversationRepository } from '../src/conversation/conversation.repository';
import { FlowCache } from '../src/conversation/flow-cache';
import { SessionLease } from '../src/conversation/session-lease';
import { TurnRefused } from '../src/conversation/turn-refused';
import { TurnService } from '../src/conversation/turn.service';
import { HTTP_CALLER } from '../src/integrations/integrations.tokens';
import { MetricsService } from '../src/metrics/metrics.service';
import { ChannelReplies } from '../src/conversation/channel-replies';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { Backend, startBackend } from './support/backend';
import { echoFlow, publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

/** The one turn entry, against a real database (medium tests), and its writes under the lease. */
describe('TurnService', () => {
  let t: TestApp;
  let turns: TurnService;
  let auth: Record<string, string>;
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend();
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    turns = t.handle.app.get(TurnService);
    auth = (await t.newWorkspace()).auth;
  });
  afterAll(async () => {
    await t.close();
    await backend.close();
  });

  const echo = {
    start: 'hello',
    settings: { session_timeout_minutes: 30 },
    states: {
      hello: {
        message: 'Hello! Name?',
        input: { save_to: 'name' },
        transitions: { default: 'bye' },
      },
      bye: { message: 'Bye {{name}}', end: true },
    },
  };
  const text = (t: string) => ({ type: 'text' as const, text: t });
  const byKey = (chatbotId: string, userId: string, message: string, extra: object = {}) =>
    turns.handle({
      chatbotId,
      channel: 'whatsapp',
      session: { kind: 'key', userId },
      message: text(message),
      ...extra,
    });

  describe('by key', () => {
    it('should start a session at start on the first message, then continue it', async () => {
      const bot = await publishedBot(t, auth, echo);
      const first = await byKey(bot.chatbotId, '+255700000001', 'hi');
      expect(first.messages).toEqual([text('Hello! Name?')]);
      const second = await byKey(bot.chatbotId, '+255700000001', 'Amina');
      expect(second.conversationId).toBe(first.conversationId);
      expect(second.messages).toEqual([text('Bye Amina')]);
      expect(second.status).toBe('CLOSED');
      const history = await t.db.query(
        `SELECT direction, message->>'text' AS text FROM messages WHERE conversation_id = $1 ORDER BY seq`,
        [first.conversationId],
      );
      expect(history.map((m: { text: string }) => m.text)).toEqual([
        'hi',
        'Hello! Name?',
        'Amina',
        'Bye Amina',
      ]);
      // The session ended: the next message starts a new one.
      const third = await byKey(bot.chatbotId, '+255700000001', 'hi again');
      expect(third.conversationId).not.toBe(first.conversationId);
      expect(third.messages).toEqual([text('Hello! Name?')]);
    });

    it('should start over at start when the session expired, marking the old one EXPIRED', async () => {
      const bot = await publishedBot(t, auth, echo);
      const first = await byKey(bot.chatbotId, '+255700000002', 'hi');
      await t.db.query(
        `UPDATE conversations SET expires_at = now() - interval '1 minute' WHERE id = $1`,
        [first.conversationId],
      );
      const next = await byKey(bot.chatbotId, '+255700000002', 'Amina');
      expect(next.conversationId).not.toBe(first.conversationId);
      expect(next.messages).toEqual([text('Hello! Name?')]);
      const [old] = await t.db.query(`SELECT status FROM conversations WHERE id = $1`, [
        first.conversationId,
      ]);
      expect(old.status).toBe('EXPIRED');
    });

    it('should open one session when a user’s first messages arrive together', async () => {
      const bot = await publishedBot(t, auth, {
        start: 'count',
        states: { count: { message: 'ok', transitions: { default: 'count' } } },
      });
      const outs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => byKey(bot.chatbotId, '+255700000003', `m${i}`)),
      );
      expect(new Set(outs.map((o) => o.conversationId)).size).toBe(1);
      const [row] = await t.db.query(
        `SELECT count(*)::int AS conversations, sum(message_count)::int AS messages
           FROM conversations WHERE chatbot_id = $1`,
        [bot.chatbotId],
      );
      expect(row).toEqual({ conversations: 1, messages: 16 });
    });

    it('should keep one session per USSD gateway session, with the phone number as user', async () => {
      const bot = await publishedBot(t, auth, echo);
      const ussd = (sessionKey: string, message: string) =>
        turns.handle({
          chatbotId: bot.chatbotId,
          channel: 'ussd',
          session: { kind: 'key', userId: '+255700000004', sessionKey },
          message: text(message),
        });
      const a = await ussd('gw-1', '');
      const b = await ussd('gw-2', '');
      expect(a.conversationId).not.toBe(b.conversationId);
      expect((await ussd('gw-1', 'Juma')).conversationId).toBe(a.conversationId);
      const users = await t.db.query(
        `SELECT DISTINCT user_id FROM conversations WHERE chatbot_id = $1`,
        [bot.chatbotId],
      );
      expect(users).toEqual([{ user_id: '+255700000004' }]);
    });

    it('should mark the inbox event it consumes done in the same commit', async () => {
      const bot = await publishedBot(t, auth, echo);
      const integration = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({ type: 'http', name: `i${ulid()}`, base_url: 'https://api.example.com' })
        .expect(201);
      const eventId = ulid();
      await t.db.query(
        `INSERT INTO inbox_events (id, integration_id, chatbot_id, channel, provider_message_id, kind, session_key, payload)
         VALUES ($1, $2, $3, 'whatsapp', 'wamid.1', 'message', '+255700000005', '{}')`,
        [eventId, integration.body.id, bot.chatbotId],
      );
      await byKey(bot.chatbotId, '+255700000005', 'hi', { inboxEventId: eventId });
      const [event] = await t.db.query(
        `SELECT status, processed_at FROM inbox_events WHERE id = $1`,
        [eventId],
      );
      expect(event.status).toBe('done');
      expect(event.processed_at).not.toBeNull();
    });

    it('should refuse when the chatbot has no published flow', async () => {
      const bot = await t
        .http()
        .post('/api/dev/v1/chatbots')
        .set(auth)
        .send({ name: `n${ulid()}` });
      await expect(byKey(bot.body.id, '+255700000006', 'hi')).rejects.toMatchObject({
        reason: 'no_published_flow',
      });
    });
  });

  describe('writes under the lease', () => {
    const slowFlow = () => ({
      start: 'ask',
      states: {
        ask: { message: 'Ready?', transitions: { default: 'call' } },
        call: {
          actions: [
            {
              type: 'API_CALL',
              url: `${backend.url}/slow`,
              method: 'GET',
              success_transition: 'done',
              failure_transition: 'done',
            },
          ],
        },
        done: { message: 'Done', transitions: { default: 'ask' } },
      },
    });

    async function slowTurn() {
      backend.respond(() => ({ status: 200, body: {}, delayMs: 1500 }));
      backend.calls.length = 0;
      const bot = await publishedBot(t, auth, slowFlow());
      const s = await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201);
      const sid = s.body.session_id as string;
      const inFlight = t
        .http()
        .post(`${bot.base}/chat/sessions/${sid}/messages`)
        .set(auth)
        .send({ message: 'go' });
      const done = new Promise<Awaited<typeof inFlight>>((resolve, reject) => {
        void inFlight.then(resolve, reject);
      });
      while (backend.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      return { bot, sid, done };
    }

    it('should keep a session closed during a turn closed', async () => {
      const { bot, sid, done } = await slowTurn();
      await t.http().delete(`${bot.base}/chat/sessions/${sid}`).set(auth).expect(204);
      expect((await done).status).toBe(200);
      const got = await t.http().get(`${bot.base}/chat/sessions/${sid}`).set(auth).expect(200);
      expect(got.body.status).toBe('CLOSED');
      await t
        .http()
        .post(`${bot.base}/chat/sessions/${sid}/messages`)
        .set(auth)
        .send({ message: 'x' })
        .expect(410);
    });

    it('should apply a handoff release after the turn in flight, not under it', async () => {
      backend.respond(() => ({ status: 200, body: {}, delayMs: 1500 }));
      backend.calls.length = 0;
      const bot = await publishedBot(t, auth, {
        start: 'ask',
        states: {
          ask: { message: 'Ready?', transitions: { default: 'call' } },
          call: {
            actions: [
              {
                type: 'API_CALL',
                url: `${backend.url}/slow`,
                method: 'GET',
                success_transition: 'human',
                failure_transition: 'human',
              },
            ],
          },
          human: {
            message: 'A person will answer',
            actions: [{ type: 'HANDOFF' }],
            transitions: { default: 'ask' },
          },
        },
      });
      const s = await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201);
      const sid = s.body.session_id as string;
      // This turn ends in a handoff, held open by the slow backend while an agent releases the
      // conversation. Under the lease, the release waits for the turn and then releases it;
      // without it, the release would find nothing to release (409) and the turn would then
      // leave the conversation waiting for a human forever.
      const turn = t
        .http()
        .post(`${bot.base}/chat/sessions/${sid}/messages`)
        .set(auth)
        .send({ message: 'go' });
      const done = new Promise<Awaited<typeof turn>>((resolve, reject) => {
        void turn.then(resolve, reject);
      });
      while (backend.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      const release = await t.http().post(`${bot.base}/conversations/${sid}/release`).set(auth);
      expect((await done).body.status).toBe('HANDOFF_PENDING');
      expect(release.status).toBe(200);
      expect(release.body.status).toBe('ACTIVE');
      const conv = await t.http().get(`${bot.base}/conversations/${sid}`).set(auth).expect(200);
      expect(conv.body.status).toBe('ACTIVE');
    });

    it('should answer 404 when the chatbot is deleted during a turn', async () => {
      const { bot, done } = await slowTurn();
      await t.http().delete(bot.base).set(auth).expect(204);
      const res = await done;
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe('Chatbot not found');
    });
  });

  describe('arrival order', () => {
    /** A second turn entry with its own lease holder: another "instance" on the same data. */
    function secondInstance(): TurnService {
      const app = t.handle.app;
      const lease = new SessionLease(app.get(ConversationRepository), app.get<Logger>(LOGGER));
      return new TurnService(
        app.get(ConversationRepository),
        lease,
        app.get(FlowCache),
        app.get(HTTP_CALLER),
        app.get(OutboxDispatcher),
        app.get(ChannelReplies),
        app.get(MetricsService),
        app.get(APP_CONFIG),
        app.get<Logger>(LOGGER),
      );
    }

    it('should serve one session in arrival order across two lease holders, and leave no place in line', async () => {
      const bot = await publishedBot(t, auth, echoFlow(backend.url));
      backend.respond((call) => ({
        status: 200,
        body: {},
        delayMs: call.body.includes('"slow"') ? 800 : 5,
      }));
      const before = backend.calls.length;
      const other = secondInstance();
      const opened = await turns.handle({
        chatbotId: bot.chatbotId,
        channel: 'api',
        session: { kind: 'new' },
        message: null,
      });
      const send = (entry: TurnService, message: string) =>
        entry.handle({
          chatbotId: bot.chatbotId,
          channel: 'api',
          session: { kind: 'id', conversationId: opened.conversationId },
          message: text(message),
        });
      const pending = [send(turns, 'slow')];
      while (backend.calls.length === before) await new Promise((r) => setTimeout(r, 10));
      const texts = Array.from({ length: 8 }, (_, i) => `m${i + 1}`);
      for (const [i, message] of texts.entries()) {
        pending.push(send(i % 2 === 0 ? other : turns, message));
        await new Promise((r) => setTimeout(r, 40));
      }
      await Promise.all(pending);
      const said = backend.calls
        .slice(before)
        .map((c) => (JSON.parse(c.body) as { said: string }).said);
      expect(said).toEqual(['slow', ...texts]);
      expect(await t.db.query(`SELECT count(*)::int AS n FROM turn_waiters`)).toEqual([{ n: 0 }]);
    });
  });

  it('should refuse a session id that does not exist, in neutral words', async () => {
    const bot = await publishedBot(t, auth, echo);
    const err = await turns
      .handle({
        chatbotId: bot.chatbotId,
        channel: 'web',
        session: { kind: 'id', conversationId: ulid() },
        message: text('x'),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TurnRefused);
    expect(err).toMatchObject({ reason: 'session_not_found', detail: 'Session not found' });
  });
});
