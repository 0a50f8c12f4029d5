import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const flow = {
  start: 'ask',
  states: {
    ask: {
      message: 'Ask me anything',
      input: { save_to: 'q' },
      transitions: { default: 'answer' },
    },
    answer: { message: 'Bot answer to {{q}}', transitions: { default: 'answer' } },
  },
};

describe('People in the loop: handoff, agent replies, release', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  let bot: Awaited<ReturnType<typeof publishedBot>>;

  beforeAll(async () => {
    t = await startTestApp();
    ({ auth } = await t.newWorkspace());
    bot = await publishedBot(t, auth, flow);
  });

  afterAll(() => t.close());

  const session = async () =>
    (await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201)).body
      .session_id as string;
  const say = (sid: string, text: string) =>
    t.http().post(`${bot.base}/chat/sessions/${sid}/messages`).set(auth).send({ message: text });
  const status = async (sid: string) =>
    (await t.http().get(`${bot.base}/conversations/${sid}`).set(auth).expect(200)).body.status;

  it('keeps the bot quiet from an API handoff until the release, a person answering between', async () => {
    const sid = await session();
    const handed = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .send({ reason: 'asked for a person' })
      .expect(200);
    expect(handed.body.status).toBe('HANDOFF_PENDING');

    const quiet = await say(sid, 'hello?').expect(200);
    expect(quiet.body.messages).toEqual([]);

    const reply = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text: 'Amina here' }, agent: { id: 'a1', name: 'Amina' } })
      .expect(201);
    expect(reply.body).toMatchObject({ direction: 'outbound', responder: 'HUMAN' });
    expect(await status(sid)).toBe('AGENT_ACTIVE');

    const stillQuiet = await say(sid, 'thanks').expect(200);
    expect(stillQuiet.body.messages).toEqual([]);
    expect(await status(sid)).toBe('AGENT_ACTIVE');

    const listed = await t
      .http()
      .get(`${bot.base}/conversations?status=AGENT_ACTIVE`)
      .set(auth)
      .expect(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(sid);

    const released = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/release`)
      .set(auth)
      .expect(200);
    expect(released.body.status).toBe('ACTIVE');
    const answered = await say(sid, 'prices').expect(200);
    expect(answered.body.messages).toEqual([{ type: 'text', text: 'Bot answer to prices' }]);

    const history = await t
      .http()
      .get(`${bot.base}/conversations/${sid}/messages`)
      .set(auth)
      .expect(200);
    expect(
      history.body.items.map((m: { direction: string; responder?: string }) =>
        m.direction === 'inbound' ? 'user' : m.responder,
      ),
    ).toEqual(['BOT', 'user', 'HUMAN', 'user', 'user', 'BOT']);
    const trace = await t
      .http()
      .get(`${bot.base}/conversations/${sid}/trace`)
      .set(auth)
      .expect(200);
    expect(trace.body.items[1].events).toEqual([
      { type: 'handoff', state: 'ask', source: 'api', reason: 'asked for a person' },
    ]);
  });

  it('lets a person take over an ACTIVE conversation by answering', async () => {
    const sid = await session();
    await t
      .http()
      .post(`${bot.base}/conversations/${sid}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text: 'Jumping in' } })
      .expect(201);
    expect(await status(sid)).toBe('AGENT_ACTIVE');
    expect((await say(sid, 'oh hi').expect(200)).body.messages).toEqual([]);
  });

  it('answers a second handoff unchanged, and refuses one on an ended conversation', async () => {
    const sid = await session();
    await t.http().post(`${bot.base}/conversations/${sid}/handoff`).set(auth).expect(200);
    const again = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .expect(200);
    expect(again.body.status).toBe('HANDOFF_PENDING');
    await t.http().delete(`${bot.base}/chat/sessions/${sid}`).set(auth).expect(204);
    const ended = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .expect(409);
    expect(ended.body.detail).toMatch(/ended/);
    // A release of it is a 409 too, with or without a state to resume at (not the Chat API's 410).
    for (const body of [{}, { state: 'ask' }]) {
      const release = await t
        .http()
        .post(`${bot.base}/conversations/${sid}/release`)
        .set(auth)
        .send(body)
        .expect(409);
      expect(release.body.detail).toBe('The conversation is CLOSED, not waiting for a human.');
    }
  });

  it('answers 404 for an unknown conversation and 400 for a bad reason', async () => {
    await t
      .http()
      .post(`${bot.base}/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/handoff`)
      .set(auth)
      .expect(404);
    const sid = await session();
    const bad = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .send({ reason: 5 })
      .expect(400);
    expect(bad.body.errors[0].path).toBe('reason');
  });

  it("gives back a handoff that outlasted the flow's session timeout where it was, not expired", async () => {
    const sid = await session();
    await say(sid, 'first question').expect(200);
    await t.http().post(`${bot.base}/conversations/${sid}/handoff`).set(auth).expect(200);
    // The person took longer than session_timeout_minutes (a handoff itself never expires).
    await t.db.query(
      `UPDATE conversations SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [sid],
    );
    const released = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/release`)
      .set(auth)
      .send({})
      .expect(200);
    expect(released.body).toMatchObject({ status: 'ACTIVE', current_state: 'answer' });
    const answered = await say(sid, 'still there?').expect(200);
    expect(answered.body.messages).toEqual([
      { type: 'text', text: 'Bot answer to first question' },
    ]);
    expect(await status(sid)).toBe('ACTIVE');
  });

  it('releases at a named state: the bot says that state and carries on from there', async () => {
    const sid = await session();
    await say(sid, 'first question').expect(200);
    await t.http().post(`${bot.base}/conversations/${sid}/handoff`).set(auth).expect(200);
    const bad = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/release`)
      .set(auth)
      .send({ state: 'nowhere' })
      .expect(400);
    expect(bad.body.errors[0].path).toBe('state');
    expect(await status(sid)).toBe('HANDOFF_PENDING');

    const released = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/release`)
      .set(auth)
      .send({ state: 'ask' })
      .expect(200);
    expect(released.body).toMatchObject({ status: 'ACTIVE', current_state: 'ask' });
    const history = await t
      .http()
      .get(`${bot.base}/conversations/${sid}/messages`)
      .set(auth)
      .expect(200);
    const last = history.body.items[history.body.items.length - 1];
    expect(last).toMatchObject({ message: { text: 'Ask me anything' }, responder: 'BOT' });
    const answered = await say(sid, 'hours').expect(200);
    expect(answered.body.messages).toEqual([{ type: 'text', text: 'Bot answer to hours' }]);

    const again = await t
      .http()
      .post(`${bot.base}/conversations/${sid}/release`)
      .set(auth)
      .send({ state: 'ask' })
      .expect(409);
    expect(again.body.detail).toMatch(/not waiting for a human/);
  });

  it("gives an idle handoff back to the bot after the flow's handoff_idle_release_minutes", async () => {
    const quick = await startTestApp({ HANDOFF_SWEEP_MS: '100' });
    try {
      const { auth: a } = await quick.newWorkspace();
      const idle = await publishedBot(quick, a, {
        ...flow,
        settings: { handoff_idle_release_minutes: 0.01 },
      });
      const sid = (
        await quick.http().post(`${idle.base}/chat/sessions`).set(a).send({}).expect(201)
      ).body.session_id as string;
      await quick.http().post(`${idle.base}/conversations/${sid}/handoff`).set(a).expect(200);
      // Idle for longer than the session timeout too: given back all the same, not expired.
      await quick.db.query(
        `UPDATE conversations SET expires_at = now() - interval '1 minute' WHERE id = $1`,
        [sid],
      );
      // Another with no idle setting stays with people.
      const kept = (await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201))
        .body.session_id as string;
      await t.http().post(`${bot.base}/conversations/${kept}/handoff`).set(auth).expect(200);
      await waitFor(
        async () =>
          (await quick.http().get(`${idle.base}/conversations/${sid}`).set(a).expect(200)).body
            .status === 'ACTIVE',
      );
      const answered = await quick
        .http()
        .post(`${idle.base}/chat/sessions/${sid}/messages`)
        .set(a)
        .send({ message: 'back?' })
        .expect(200);
      expect(answered.body.messages).toEqual([{ type: 'text', text: 'Bot answer to back?' }]);
      expect(await status(kept)).toBe('HANDOFF_PENDING');
    } finally {
      await quick.close();
    }
  });
});
