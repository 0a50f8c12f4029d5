import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

const FLOW = {
  start: 'ask',
  states: {
    ask: {
      message: 'Your name?',
      input: { save_to: 'name', type: 'text', min_length: 2, error_message: 'Too short.' },
      transitions: { default: 'bye' },
    },
    bye: { message: ['Thanks {{name}}!', 'Bye.'], end: true },
  },
};

describe('Conversations API', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let base: string;
  let chatbotId: string;
  const sids: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, FLOW));
    for (const user of ['u-1', 'u-2', 'u-3']) {
      sids.push(
        (await t.http().post(`${base}/chat/sessions`).set(auth).send({ user_id: user }).expect(201))
          .body.session_id,
      );
    }
    await t
      .http()
      .post(`${base}/chat/sessions/${sids[0]}/messages`)
      .set(auth)
      .send({ message: 'A' })
      .expect(200);
    await t
      .http()
      .post(`${base}/chat/sessions/${sids[0]}/messages`)
      .set(auth)
      .send({ message: 'Amina' })
      .expect(200);
  });
  afterAll(() => t.close());

  it('should list conversations with the documented record fields', async () => {
    const res = await t.http().get(`${base}/conversations`).set(auth).expect(200);
    expect(res.body.total).toBe(3);
    const first = res.body.items.find((c: { id: string }) => c.id === sids[0]);
    expect(first).toEqual({
      id: sids[0],
      chatbot_id: chatbotId,
      channel: 'api',
      user_id: 'u-1',
      contact_name: null,
      status: 'CLOSED',
      current_state: 'bye',
      last_message_at: expect.any(String),
      last_message_preview: 'Bye.',
      message_count: 1 + 2 + 3,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('should filter by channel, status, user and time, and page with a cursor', async () => {
    const q = (query: string) =>
      t.http().get(`${base}/conversations?${query}`).set(auth).expect(200);
    expect((await q('status=CLOSED')).body.items.map((c: { id: string }) => c.id)).toEqual([
      sids[0],
    ]);
    expect((await q('status=active')).body.total).toBe(2);
    expect((await q('user=u-2')).body.items.map((c: { id: string }) => c.id)).toEqual([sids[1]]);
    expect((await q('channel=whatsapp')).body.total).toBe(0);
    expect((await q('channel=api')).body.total).toBe(3);
    expect((await q(`start_time=${new Date(Date.now() + 60_000).toISOString()}`)).body.total).toBe(
      0,
    );
    expect((await q(`end_time=${new Date(Date.now() + 60_000).toISOString()}`)).body.total).toBe(3);
    const page1 = await q('limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await q(`limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([sids[2]]);
    expect(page2.body.next_cursor).toBeNull();
  });

  it('should refuse a cursor from another list: another chatbot, endpoint or filter', async () => {
    const other = await publishedBot(t, auth, FLOW);
    const cursor = (await t.http().get(`${base}/conversations?limit=1`).set(auth).expect(200)).body
      .next_cursor as string;
    const filtered = (
      await t.http().get(`${base}/conversations?limit=1&status=active`).set(auth).expect(200)
    ).body.next_cursor as string;
    const elsewhere = [
      `${other.base}/conversations?cursor=${cursor}`,
      `${base}/conversations/${sids[0]}/messages?cursor=${cursor}`,
      `${base}/conversations/${sids[0]}/trace?cursor=${cursor}`,
      `${base}/conversations?status=CLOSED&cursor=${cursor}`,
      `${base}/conversations?cursor=${filtered}`,
      `${base}/opt-outs?cursor=${cursor}`,
    ];
    for (const url of elsewhere) {
      const res = await t.http().get(url).set(auth).expect(400);
      expect(res.body).toEqual({
        detail: expect.any(String),
        errors: [{ path: 'cursor', message: expect.stringContaining('another list') }],
      });
    }
    // The list it came from still takes it, whatever the page size and the filters' order.
    await t.http().get(`${base}/conversations?limit=5&cursor=${cursor}`).set(auth).expect(200);
    const two = (
      await t.http().get(`${base}/conversations?limit=1&channel=api&status=active`).set(auth)
    ).body.next_cursor as string;
    const next = await t
      .http()
      .get(`${base}/conversations?status=active&channel=api&cursor=${two}`)
      .set(auth)
      .expect(200);
    expect(next.body.items).toHaveLength(1);
  });

  it('should refuse bad filters with their paths', async () => {
    const res = await t
      .http()
      .get(`${base}/conversations?status=SLEEPING&start_time=yesterday`)
      .set(auth)
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'start_time',
      'status',
    ]);
  });

  it('should refuse a filter given twice at its path, not fail or match nothing', async () => {
    const res = await t
      .http()
      .get(`${base}/conversations?status=ACTIVE&status=CLOSED&channel=api&channel=sms`)
      .set(auth)
      .expect(400);
    expect(res.body.detail).toBe('Invalid filters.');
    expect(res.body.errors).toEqual([
      { path: 'channel', message: 'channel must be given once, as one value' },
      { path: 'status', message: 'status must be given once, as one value' },
    ]);
  });

  it('should return the history oldest first with directions and states', async () => {
    const res = await t
      .http()
      .get(`${base}/conversations/${sids[0]}/messages`)
      .set(auth)
      .expect(200);
    const rows = res.body.items.map(
      (m: { direction: string; message: { text: string }; state: string }) => [
        m.direction,
        m.message.text,
        m.state,
      ],
    );
    expect(rows).toEqual([
      ['outbound', 'Your name?', 'ask'],
      ['inbound', 'A', 'ask'],
      ['outbound', 'Too short.', 'ask'],
      ['inbound', 'Amina', 'ask'],
      ['outbound', 'Thanks Amina!', 'bye'],
      ['outbound', 'Bye.', 'bye'],
    ]);
    expect(res.body.items[0]).toEqual({
      id: expect.any(String),
      direction: 'outbound',
      message: { type: 'text', text: 'Your name?' },
      state: 'ask',
      // Given in the Chat API's answer: sent.
      status: 'sent',
      responder: 'BOT',
      created_at: expect.any(String),
    });
    expect(res.body.items[1]).not.toHaveProperty('status'); // inbound
    const page = await t
      .http()
      .get(`${base}/conversations/${sids[0]}/messages?limit=4`)
      .set(auth)
      .expect(200);
    const rest = await t
      .http()
      .get(`${base}/conversations/${sids[0]}/messages?limit=4&cursor=${page.body.next_cursor}`)
      .set(auth)
      .expect(200);
    expect(rest.body.items.map((m: { message: { text: string } }) => m.message.text)).toEqual([
      'Thanks Amina!',
      'Bye.',
    ]);
  });

  it('should return the trace: one entry per turn with states entered and durations', async () => {
    const res = await t.http().get(`${base}/conversations/${sids[0]}/trace`).set(auth).expect(200);
    expect(res.body.total).toBe(3);
    const [start, invalid, done] = res.body.items;
    expect(start.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['session_start', 'state_entered']),
    );
    expect(invalid.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'input_invalid', state: 'ask' })]),
    );
    expect(done.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'input_saved', save_to: 'name' }),
        expect.objectContaining({ type: 'state_entered', state: 'bye' }),
        expect.objectContaining({ type: 'closed' }),
      ]),
    );
    for (const turn of res.body.items) expect(turn.duration_ms).toBeGreaterThan(0);
  });

  it('should count real stats', async () => {
    const res = await t.http().get(`/api/dev/v1/chatbots/${chatbotId}/stats`).set(auth).expect(200);
    expect(res.body).toEqual({
      total_conversations: 3,
      total_messages: 6 + 1 + 1,
      active_users_7d: 3,
    });
  });

  it('should answer 404 for unknown or foreign conversations', async () => {
    await t
      .http()
      .get(`${base}/conversations/01JAAAAAAAAAAAAAAAAAAAAAAA/messages`)
      .set(auth)
      .expect(404);
    const other = (await t.newWorkspace()).auth;
    await t.http().get(`${base}/conversations/${sids[0]}/messages`).set(other).expect(404);
    await t.http().get(`${base}/conversations/${sids[0]}/trace`).set(other).expect(404);
    await t.http().post(`${base}/conversations/${sids[0]}/release`).set(other).expect(404);
  });

  it('should count turns and their latency by channel in the metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(/conversation_turns_total\{channel="api",outcome="ok"\} 5/);
    expect(res.text).toMatch(/conversation_turn_duration_seconds_count\{channel="api"\} 5/);
  });
});
