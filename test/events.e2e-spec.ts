import { verifyEventSignature } from '../src/events/event-signature';
import { startBackend, type Backend, type RecordedCall } from './support/backend';
import { publishedBot } from './support/flows';
import { africasTalkingAccepted } from './support/sms-provider-answers';
import { startGraphApiStub } from './support/graph-api-stub';
import { signedPost, waEnvelope, waText } from './support/whatsapp-webhooks';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const flow = {
  start: 'menu',
  states: {
    menu: {
      message: 'Hi! Say "agent" for a person, or "bye".',
      transitions: { agent: 'agent', bye: 'bye', default: 'menu' },
    },
    agent: {
      message: 'Connecting you to a person.',
      actions: [{ type: 'HANDOFF', reason: 'User {{user_id}} asked' }],
      transitions: { bye: 'bye', default: 'menu' },
    },
    bye: { message: 'Bye!', end: true },
  },
};

interface Received {
  id: string;
  type: string;
  conversation: { id: string; channel: string; user_id: string };
  data: Record<string, unknown>;
}

describe('Conversation events to a helpdesk', () => {
  let t: TestApp;
  let desk: Backend;
  let auth: { Authorization: string };
  let bot: Awaited<ReturnType<typeof publishedBot>>;
  let secret: string;

  beforeAll(async () => {
    desk = await startBackend();
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      OUTBOX_POLL_MS: '100',
      HANDOFF_SWEEP_MS: '200',
    });
    ({ auth } = await t.newWorkspace());
    bot = await publishedBot(t, auth, flow);
    const set = await t
      .http()
      .patch(bot.base)
      .set(auth)
      .send({ events_url: `${desk.url}/sarufi-events` })
      .expect(200);
    secret = set.body.events_secret;
  });

  afterAll(async () => {
    await t.close();
    await desk.close();
  });

  const events = (sid: string): Received[] =>
    desk.calls.map((c) => JSON.parse(c.body) as Received).filter((e) => e.conversation.id === sid);
  const say = (sid: string, text: string) =>
    t.http().post(`${bot.base}/chat/sessions/${sid}/messages`).set(auth).send({ message: text });
  const session = async () =>
    (await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201)).body
      .session_id as string;
  const verified = (c: RecordedCall) =>
    verifyEventSignature(
      secret,
      c.headers['x-sarufi-signature'] as string,
      c.body,
      Math.floor(Date.now() / 1000),
    );

  it('shows the secret once, then masked', async () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const got = await t.http().get(bot.base).set(auth).expect(200);
    expect(got.body).toMatchObject({
      events_url: `${desk.url}/sarufi-events`,
      events_secret: '***',
    });
    // The list shows it the same way (its items were once given their index instead).
    const list = await t.http().get('/api/dev/v1/chatbots?limit=200').set(auth).expect(200);
    const items = list.body.items as Array<{ id: string; events_secret: unknown }>;
    expect(items.find((c) => c.id === bot.chatbotId)?.events_secret).toBe('***');
    expect(items.every((c) => c.events_secret === null || c.events_secret === '***')).toBe(true);
  });

  it('tells the desk of a handoff, what the user writes meanwhile, a person’s reply and the end, in order and signed', async () => {
    const sid = await session();
    await say(sid, 'agent').expect(200);
    const quiet = await say(sid, 'is anyone there?').expect(200);
    expect(quiet.body.messages).toEqual([]);
    await t
      .http()
      .post(`${bot.base}/conversations/${sid}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text: 'Amina here' }, agent: { id: 'a1', name: 'Amina' } })
      .expect(201);
    await t.http().post(`${bot.base}/conversations/${sid}/release`).set(auth).expect(200);
    await say(sid, 'bye').expect(200);

    await waitFor(() => events(sid).length === 4);
    expect(events(sid).map((e) => e.type)).toEqual([
      'handoff.requested',
      'message.received',
      'message.sent',
      'conversation.closed',
    ]);
    const [handoff, received, sent] = events(sid);
    // The flow's reason is a template, rendered with the conversation's variables.
    expect(handoff.data).toEqual({ state: 'agent', source: 'flow', reason: `User ${sid} asked` });
    expect(handoff.conversation).toEqual({ id: sid, channel: 'api', user_id: sid });
    expect(received.data.message).toEqual({ type: 'text', text: 'is anyone there?' });
    expect(sent.data).toMatchObject({ responder: 'HUMAN', agent: { id: 'a1', name: 'Amina' } });

    const calls = desk.calls.filter(
      (c) => (JSON.parse(c.body) as Received).conversation.id === sid,
    );
    for (const c of calls) {
      expect(c.url).toBe('/sarufi-events');
      expect(c.headers['x-sarufi-event-id']).toBe((JSON.parse(c.body) as Received).id);
      expect(verified(c)).toBe(true);
    }
    // A tampered body fails the documented check.
    expect(
      verifyEventSignature(
        secret,
        calls[0].headers['x-sarufi-signature'] as string,
        calls[0].body.replace('agent', 'agant'),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
  });

  it('tells of a handoff made through the API, with its reason', async () => {
    const sid = await session();
    await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .send({ reason: 'VIP customer' })
      .expect(200);
    await waitFor(() => events(sid).length === 1);
    expect(events(sid)[0]).toMatchObject({
      type: 'handoff.requested',
      data: { state: 'menu', source: 'api', reason: 'VIP customer' },
    });
  });

  it("waits as long as the desk's Retry-After asks before trying again", async () => {
    desk.respond(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    try {
      const sid = await session();
      await say(sid, 'agent').expect(200);
      await waitFor(() => events(sid).length === 1, 20_000);
      // The refused event waits the two minutes the desk asked for, not the outbox's second.
      const row = async () =>
        (
          await t.db.query<Array<{ attempts: number; wait_s: number }>>(
            `SELECT attempts, extract(epoch FROM next_attempt_at - now())::float8 AS wait_s
               FROM outbox WHERE kind = 'event' AND conversation_id = $1`,
            [sid],
          )
        )[0];
      await waitFor(async () => (await row())?.attempts === 1 && (await row()).wait_s > 60, 20_000);
      expect((await row()).wait_s).toBeGreaterThan(100);
      expect(events(sid)).toHaveLength(1);
    } finally {
      desk.respond(() => ({ status: 200, body: {} }));
    }
  });

  it('tries again after the desk fails, keeping the order and the event id', async () => {
    let failures = 2;
    desk.respond(() => (failures-- > 0 ? { status: 503 } : { status: 200, body: {} }));
    const sid = await session();
    await say(sid, 'agent').expect(200);
    await say(sid, 'hello?').expect(200);
    await waitFor(() => events(sid).length === 4, 20_000);
    desk.respond(() => ({ status: 200, body: {} }));
    const seen = events(sid);
    // The first event was refused twice, then delivered; the second waited behind it.
    expect(seen.map((e) => e.type)).toEqual([
      'handoff.requested',
      'handoff.requested',
      'handoff.requested',
      'message.received',
    ]);
    expect(new Set(seen.slice(0, 3).map((e) => e.id)).size).toBe(1);
  });

  it("tells of a message's delivery (SMS report), once per change", async () => {
    const provider = await startBackend();
    let n = 0;
    provider.respond((call) => africasTalkingAccepted(call, `ATXid_ev_${++n}`));
    try {
      const sms = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({
          type: 'sms',
          name: 'at-events',
          provider: 'africastalking',
          username: 'duka',
          api_key: 'atsk_x',
          sender_id: '15055',
          api_base: provider.url,
        })
        .expect(201);
      const path = new URL(sms.body.webhook_url as string).pathname;
      const number = '+255700000555';
      await t
        .http()
        .post(path)
        .type('form')
        .send({ from: number, to: '15055', text: 'Hi', date: '2026-12-05', id: 'ATXid_in_ev' })
        .expect(200);
      await waitFor(() => provider.calls.length === 1);
      const [row] = await t.db.query<
        Array<{ id: string; provider_message_id: string; cid: string }>
      >(
        `SELECT m.id, m.provider_message_id, c.id AS cid FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE c.user_id = $1 AND m.direction = 'outbound'`,
        [number],
      );
      await waitFor(async () => {
        const [r] = await t.db.query<Array<{ p: string | null }>>(
          'SELECT provider_message_id AS p FROM messages WHERE id = $1',
          [row.id],
        );
        return r.p !== null;
      });
      const [{ p: providerId }] = await t.db.query<Array<{ p: string }>>(
        'SELECT provider_message_id AS p FROM messages WHERE id = $1',
        [row.id],
      );
      const report = () =>
        t.http().post(path).type('form').send({ id: providerId, status: 'Success' }).expect(200);
      await report();
      await waitFor(() => events(row.cid).some((e) => e.type === 'message.status'), 10_000);
      await report();
      await new Promise((r) => setTimeout(r, 600));
      const statuses = events(row.cid).filter((e) => e.type === 'message.status');
      expect(statuses).toHaveLength(1);
      expect(statuses[0].data).toEqual({ message_id: row.id, status: 'delivered' });
      expect(statuses[0].conversation).toEqual({ id: row.cid, channel: 'sms', user_id: number });
    } finally {
      await provider.close();
    }
  });

  it('tells of a WhatsApp window an hour before it closes, once', async () => {
    const graph = await startGraphApiStub({ accessToken: 'EAAtest-token-0123456789' });
    try {
      const wa = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({
          type: 'whatsapp',
          name: 'wa-events',
          phone_number_id: '400001',
          access_token: 'EAAtest-token-0123456789',
          app_secret: 'meta-app-secret',
          verify_token: 'verify-me',
          graph_api_base: graph.url,
        })
        .expect(201);
      const user = '+255700000777';
      // Meta delivers late webhooks with the time the user wrote: 23 h 30 min ago here.
      const wrote = Math.floor((Date.now() - 23.5 * 60 * 60 * 1000) / 1000);
      const { raw, headers } = signedPost(
        'meta-app-secret',
        waEnvelope(waText('400001', user, 'wamid.window.1', 'Hi', { timestamp: wrote })),
      );
      await t
        .http()
        .post(new URL(wa.body.webhook_url as string).pathname)
        .set(headers)
        .send(raw.toString())
        .expect(200);
      const expiring = () =>
        desk.calls
          .map((c) => JSON.parse(c.body) as Received)
          .filter((e) => e.type === 'window.expiring' && e.conversation.user_id === user);
      await waitFor(() => expiring().length === 1, 10_000);
      await new Promise((r) => setTimeout(r, 600));
      expect(expiring()).toHaveLength(1);
      expect(expiring()[0].data).toEqual({
        closes_at: new Date((wrote + 24 * 60 * 60) * 1000).toISOString(),
      });
    } finally {
      await graph.close();
    }
  });

  it("tells of a person's WhatsApp reply that Meta refused, as failed with Meta's error, once", async () => {
    const graph = await startGraphApiStub({ accessToken: 'EAAtest-token-0123456789' });
    try {
      const wa = await t
        .http()
        .post(`${bot.base}/integrations`)
        .set(auth)
        .send({
          type: 'whatsapp',
          name: 'wa-refused',
          phone_number_id: '400002',
          access_token: 'EAAtest-token-0123456789',
          app_secret: 'meta-app-secret',
          verify_token: 'verify-me',
          graph_api_base: graph.url,
        })
        .expect(201);
      const user = '+255700000778';
      const { raw, headers } = signedPost(
        'meta-app-secret',
        waEnvelope(waText('400002', user, 'wamid.refused.1', 'agent')),
      );
      await t
        .http()
        .post(new URL(wa.body.webhook_url as string).pathname)
        .set(headers)
        .send(raw.toString())
        .expect(200);
      // The webhook's event is taken in and its turn run after the 200: the bot's reply is sent then.
      await waitFor(() => graph.sends().some((r) => r.status === 200));
      const [{ cid }] = await t.db.query<Array<{ cid: string }>>(
        'SELECT id AS cid FROM conversations WHERE user_id = $1',
        [user],
      );
      graph.failNext('131026', 1);
      const reply = await t
        .http()
        .post(`${bot.base}/conversations/${cid}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text: 'Amina here' }, agent: { id: 'a1' } })
        .expect(201);
      await waitFor(() => events(cid).some((e) => e.type === 'message.status'), 10_000);
      await new Promise((r) => setTimeout(r, 600));
      // The first message opens the session at the start: no handoff, the person just replies.
      expect(events(cid).map((e) => e.type)).toEqual(['message.sent', 'message.status']);
      const [{ delivery_error }] = await t.db.query<Array<{ delivery_error: unknown }>>(
        'SELECT delivery_error FROM messages WHERE id = $1',
        [reply.body.id],
      );
      expect(delivery_error).toMatchObject({ code: 131026 });
      expect(events(cid)[1].data).toEqual({
        message_id: reply.body.id,
        status: 'failed',
        error: delivery_error,
      });
    } finally {
      await graph.close();
    }
  });

  it('sends nothing once events are turned off', async () => {
    const other = await publishedBot(t, auth, flow);
    const sid = (await t.http().post(`${other.base}/chat/sessions`).set(auth).send({}).expect(201))
      .body.session_id as string;
    await t
      .http()
      .post(`${other.base}/chat/sessions/${sid}/messages`)
      .set(auth)
      .send({ message: 'agent' })
      .expect(200);
    const outbox = await t.db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE kind = 'event' AND conversation_id = $1`,
      [sid],
    );
    expect(outbox[0].n).toBe(0);
  });

  it('rotates the secret: the new one is shown once and signs from then on', async () => {
    const rotated = await t
      .http()
      .patch(bot.base)
      .set(auth)
      .send({ rotate_events_secret: true })
      .expect(200);
    expect(rotated.body.events_secret).toMatch(/^whsec_/);
    expect(rotated.body.events_secret).not.toBe(secret);
    const old = secret;
    secret = rotated.body.events_secret;
    const sid = await session();
    await say(sid, 'agent').expect(200);
    await waitFor(() => events(sid).length === 1);
    const call = desk.calls.find((c) => (JSON.parse(c.body) as Received).conversation.id === sid)!;
    expect(verified(call)).toBe(true);
    expect(
      verifyEventSignature(
        old,
        call.headers['x-sarufi-signature'] as string,
        call.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
  });

  it('refuses a bad events_url and a rotation without one, with their paths', async () => {
    const bad = await t
      .http()
      .patch(bot.base)
      .set(auth)
      .send({ events_url: 'ftp://x' })
      .expect(400);
    expect(bad.body.errors[0].path).toBe('events_url');
    // Credentials in the URL would be shown as they are on the chatbot, and never sent.
    const credentials = await t
      .http()
      .patch(bot.base)
      .set(auth)
      .send({ events_url: 'https://desk:s3cret@127.0.0.1:9/events' })
      .expect(400);
    expect(credentials.body.errors[0].path).toBe('events_url');
    expect(JSON.stringify(credentials.body)).not.toContain('s3cret');
    const other = await publishedBot(t, auth, flow);
    const none = await t
      .http()
      .patch(other.base)
      .set(auth)
      .send({ rotate_events_secret: true })
      .expect(400);
    expect(none.body.errors[0].path).toBe('rotate_events_secret');
  });
});
