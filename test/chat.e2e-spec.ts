import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Row locks held by the test itself: only PostgreSQL serves statements side by side. */
const onPostgres = process.env.DATABASE_URL ? it : it.skip;

const ORDER_FLOW = {
  start: 'greeting',
  variables: { currency: 'TZS' },
  settings: { fallback_message: "Sorry, I didn't get that." },
  global_transitions: [{ keywords: ['menu'], to: 'greeting' }],
  states: {
    greeting: {
      message: ['Hello! How can I help you today?', 'Choose an option:'],
      buttons: [
        { id: 'faq', title: 'FAQ' },
        { id: 'order', title: 'Track order' },
        { id: 'human', title: 'Talk to support' },
      ],
      transitions: { faq: 'faq', order: 'ask_order', human: 'handoff' },
    },
    faq: {
      message: 'We are open 8 to 5 ({{currency}} only).',
      transitions: { always: 'greeting' },
    },
    ask_order: {
      message: "What's your order number?",
      input: {
        save_to: 'order_id',
        type: 'text',
        pattern: '^[0-9]{6}$',
        error_message: 'Order numbers have 6 digits.',
      },
      transitions: { default: 'done' },
    },
    done: { message: 'Order {{order_id}} is on its way. Bye!', end: true },
    handoff: {
      message: 'Connecting you to a person.',
      actions: [{ type: 'HANDOFF' }],
      transitions: { default: 'greeting' },
    },
  },
};

describe('Chat API', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    auth = (await t.newWorkspace()).auth;
    ({ base } = await publishedBot(t, auth, ORDER_FLOW));
  });
  afterAll(() => t.close());

  const newSession = async () =>
    (await t.http().post(`${base}/chat/sessions`).set(auth).expect(201)).body;
  const say = (sid: string, body: object) =>
    t.http().post(`${base}/chat/sessions/${sid}/messages`).set(auth).send(body);

  it('should create a session with the greeting (seed 003 shape)', async () => {
    const s = await newSession();
    expect(s).toMatchObject({
      session_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      channel: 'api',
      created_at: expect.any(String),
      current_state: 'greeting',
      status: 'ACTIVE',
    });
    expect(s.messages).toEqual([
      { type: 'text', text: 'Hello! How can I help you today?' },
      {
        type: 'buttons',
        text: 'Choose an option:',
        buttons: [
          { id: 'faq', title: 'FAQ' },
          { id: 'order', title: 'Track order' },
          { id: 'human', title: 'Talk to support' },
        ],
      },
    ]);
  });

  it('should answer messages with the seed 003 response fields', async () => {
    const s = await newSession();
    const res = await say(s.session_id, { message: 'Track order', button_id: 'order' }).expect(200);
    expect(res.body).toEqual({
      session_id: s.session_id,
      messages: [{ type: 'text', text: "What's your order number?" }],
      messages_count: 1,
      current_state: 'ask_order',
      status: 'ACTIVE',
      timestamp: expect.any(String),
    });
    const bad = await say(s.session_id, { message: '12' }).expect(200);
    expect(bad.body.messages).toEqual([{ type: 'text', text: 'Order numbers have 6 digits.' }]);
    const done = await say(s.session_id, { message: '123456' }).expect(200);
    expect(done.body).toMatchObject({ current_state: 'done', status: 'CLOSED' });
    expect(done.body.messages).toEqual([
      { type: 'text', text: 'Order 123456 is on its way. Bye!' },
    ]);
    const gone = await say(s.session_id, { message: 'hello?' }).expect(410);
    expect(gone.body.detail).toMatch(/closed/);
  });

  it('should route typed titles and keys, and global keywords', async () => {
    const s = await newSession();
    const faq = await say(s.session_id, { message: '  faq ' }).expect(200);
    expect(faq.body.messages[0]).toEqual({ type: 'text', text: 'We are open 8 to 5 (TZS only).' });
    expect(faq.body.current_state).toBe('greeting');
    await say(s.session_id, { message: 'track ORDER' }).expect(200);
    const menu = await say(s.session_id, { message: 'MENU' }).expect(200);
    expect(menu.body.current_state).toBe('greeting');
  });

  it('should send the fallback message for an unmatched reply', async () => {
    const s = await newSession();
    const res = await say(s.session_id, { message: 'what?' }).expect(200);
    expect(res.body.messages).toEqual([{ type: 'text', text: "Sorry, I didn't get that." }]);
    expect(res.body.current_state).toBe('greeting');
  });

  it('should return a session with its state and variables, and close it on DELETE', async () => {
    const s = await newSession();
    await say(s.session_id, { message: 'x', button_id: 'order' }).expect(200);
    const got = await t.http().get(`${base}/chat/sessions/${s.session_id}`).set(auth).expect(200);
    expect(got.body).toMatchObject({
      session_id: s.session_id,
      status: 'ACTIVE',
      current_state: 'ask_order',
      channel: 'api',
      variables: expect.objectContaining({ currency: 'TZS', last_input: 'x' }),
    });
    await t.http().delete(`${base}/chat/sessions/${s.session_id}`).set(auth).expect(204);
    const closed = await t
      .http()
      .get(`${base}/chat/sessions/${s.session_id}`)
      .set(auth)
      .expect(200);
    expect(closed.body.status).toBe('CLOSED');
    await say(s.session_id, { message: '123456' }).expect(410);
  });

  it.each([
    [{}, 'message'],
    [{ message: '' }, 'message'],
    [{ message: 'x'.repeat(4097) }, 'message'],
    [{ message: 'hi', message_type: 'voice' }, 'message_type'],
    [{ message: 'hi', button_id: 42 }, 'button_id'],
    [{ message: 'hi', mood: 'happy' }, 'mood'],
  ])('should refuse %j with the path %s', async (body, path) => {
    const s = await newSession();
    const res = await say(s.session_id, body).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('should accept exactly 4096 characters', async () => {
    const s = await newSession();
    await say(s.session_id, { message: 'y'.repeat(4096) }).expect(200);
  });

  it('should answer 404 for unknown sessions and chatbots, and 400 without a published flow', async () => {
    await say('01JAAAAAAAAAAAAAAAAAAAAAAA', { message: 'hi' }).expect(404, {
      detail: 'Chat session not found',
    });
    await t
      .http()
      .post('/api/dev/v1/chatbots/01JAAAAAAAAAAAAAAAAAAAAAAA/chat/sessions')
      .set(auth)
      .expect(404);
    const empty = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .send({ name: 'no-flow' })
      .expect(201);
    const res = await t
      .http()
      .post(`/api/dev/v1/chatbots/${empty.body.id}/chat/sessions`)
      .set(auth)
      .expect(400);
    expect(res.body.detail).toBe('No published flow found for this chatbot');
  });

  it("should hide another workspace's sessions", async () => {
    const s = await newSession();
    const other = (await t.newWorkspace()).auth;
    await t.http().post(`${base}/chat/sessions`).set(other).expect(404);
    await t
      .http()
      .post(`${base}/chat/sessions/${s.session_id}/messages`)
      .set(other)
      .send({ message: 'hi' })
      .expect(404);
    await t.http().get(`${base}/chat/sessions/${s.session_id}`).set(other).expect(404);
    await t.http().delete(`${base}/chat/sessions/${s.session_id}`).set(other).expect(404);
    await t.http().get(`${base}/conversations`).set(other).expect(404);
  });

  it('should expire a session after the flow timeout (fractional minutes)', async () => {
    const quick = await publishedBot(t, auth, {
      start: 'ask',
      settings: { session_timeout_minutes: 0.01 },
      states: {
        ask: { message: 'Name?', input: { save_to: 'name' }, transitions: { default: 'ask' } },
      },
    });
    const s = (await t.http().post(`${quick.base}/chat/sessions`).set(auth).expect(201)).body;
    await t
      .http()
      .post(`${quick.base}/chat/sessions/${s.session_id}/messages`)
      .set(auth)
      .send({ message: 'A' })
      .expect(200);
    await new Promise((r) => setTimeout(r, 900));
    const res = await t
      .http()
      .post(`${quick.base}/chat/sessions/${s.session_id}/messages`)
      .set(auth)
      .send({ message: 'B' })
      .expect(410);
    expect(res.body.detail).toMatch(/expired/);
    const list = await t
      .http()
      .get(`${quick.base}/conversations?status=EXPIRED`)
      .set(auth)
      .expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(s.session_id);
  });

  it('should keep a conversation on the flow version it started on', async () => {
    const v1 = {
      start: 'a',
      states: {
        a: { message: 'v1 says hi', input: { save_to: 'x' }, transitions: { default: 'b' } },
        b: { message: 'v1 bye', end: true },
      },
    };
    const bot = await publishedBot(t, auth, v1);
    const old = (await t.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201)).body;
    const v2 = {
      start: 'a',
      states: {
        a: { message: 'v2 says hi', input: { save_to: 'x' }, transitions: { default: 'b' } },
        b: { message: 'v2 bye', end: true },
      },
    };
    await t
      .http()
      .patch(`${bot.base}/flows/${bot.flowId}`)
      .set(auth)
      .send({ flow: v2 })
      .expect(200);
    await t.http().post(`${bot.base}/flows/${bot.flowId}/publish`).set(auth).expect(200);
    const fresh = (await t.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201)).body;
    expect(fresh.messages).toEqual([{ type: 'text', text: 'v2 says hi' }]);
    const oldReply = await t
      .http()
      .post(`${bot.base}/chat/sessions/${old.session_id}/messages`)
      .set(auth)
      .send({ message: 'go' })
      .expect(200);
    expect(oldReply.body.messages).toEqual([{ type: 'text', text: 'v1 bye' }]);
  });

  it('should hand off to a human, stay quiet, and resume after release', async () => {
    const s = await newSession();
    const h = await say(s.session_id, { message: 'Talk to support', button_id: 'human' }).expect(
      200,
    );
    expect(h.body).toMatchObject({
      status: 'HANDOFF_PENDING',
      messages: [{ type: 'text', text: 'Connecting you to a person.' }],
    });
    const quiet = await say(s.session_id, { message: 'hello? anyone?' }).expect(200);
    expect(quiet.body.messages).toEqual([]);
    const conv = await t.http().get(`${base}/conversations/${s.session_id}`).set(auth).expect(200);
    expect(conv.body.status).toBe('HANDOFF_PENDING');
    const released = await t
      .http()
      .post(`${base}/conversations/${s.session_id}/release`)
      .set(auth)
      .expect(200);
    expect(released.body.status).toBe('ACTIVE');
    await t.http().post(`${base}/conversations/${s.session_id}/release`).set(auth).expect(409);
    const back = await say(s.session_id, { message: 'thanks' }).expect(200);
    expect(back.body.current_state).toBe('greeting');
    expect(back.body.messages.length).toBeGreaterThan(0);
  });

  it('should close a session whose flow was deleted at its next message (410)', async () => {
    const bot = await publishedBot(t, auth, {
      start: 'a',
      states: { a: { message: 'hi', input: { save_to: 'x' }, transitions: { default: 'a' } } },
    });
    const opened = await t.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201);
    const sid = opened.body.session_id as string;
    const message = () =>
      t.http().post(`${bot.base}/chat/sessions/${sid}/messages`).set(auth).send({ message: 'x' });
    await message().expect(200); // the version is now cached on this instance
    await t.http().delete(`${bot.base}/flows/${bot.flowId}`).set(auth).expect(204);
    const gone = await message().expect(410);
    expect(gone.body.detail).toEqual(expect.any(String));
    const got = await t.http().get(`${bot.base}/chat/sessions/${sid}`).set(auth).expect(200);
    expect(got.body.status).toBe('CLOSED');
  });

  onPostgres(
    'should refuse a session whose flow was deleted as it opened with 400, not 410',
    async () => {
      const bot = await publishedBot(t, auth, {
        start: 'a',
        states: { a: { message: 'hi', end: true } },
      });
      // The test holds the chatbot's row, so the new session's row waits for it (its foreign
      // key) after having read the published version; the flow is deleted meanwhile.
      const holder = t.db.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await holder.query('SELECT id FROM chatbots WHERE id = $1 FOR UPDATE', [bot.chatbotId]);
        const opening = t
          .http()
          .post(`${bot.base}/chat/sessions`)
          .set(auth)
          .then((r) => r);
        await waitFor(async () => {
          const [{ n }] = await t.db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE 'INSERT INTO conversations%'`,
          );
          return n > 0;
        });
        await holder.query('DELETE FROM flows WHERE id = $1', [bot.flowId]);
        await holder.commitTransaction();
        const res = await opening;
        expect({ status: res.status, body: res.body }).toEqual({
          status: 400,
          body: { detail: 'No published flow found for this chatbot' },
        });
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
      // Nothing is left of it: no closed session that was never opened.
      const list = await t.http().get(`${bot.base}/conversations`).set(auth).expect(200);
      expect(list.body.total).toBe(0);
    },
  );

  it('should answer an engine failure with 500 and an error_id in the log, keeping nothing half-written', async () => {
    const bot = await publishedBot(t, auth, {
      start: 'a',
      states: { a: { message: 'hi', end: true } },
    });
    await t.db.query(
      `UPDATE flow_versions SET definition = '{"states": 5}'::jsonb WHERE flow_id = $1`,
      [bot.flowId],
    );
    const res = await t.http().post(`${bot.base}/chat/sessions`).set(auth).expect(500);
    expect(res.body).toEqual({ detail: 'Message processing failed', error_id: expect.any(String) });
    expect(t.logs.text).toContain(res.body.error_id);
    const list = await t.http().get(`${bot.base}/conversations`).set(auth).expect(200);
    // A session whose first turn failed is removed, not left CLOSED and empty (issue 16).
    expect(list.body.items).toHaveLength(0);
  });
});
