import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';

const v1 = {
  start: 'hello',
  states: { hello: { message: 'Published hello', end: true } },
};
const draft = {
  start: 'ask',
  states: {
    ask: {
      message: 'Draft: your name?',
      input: { save_to: 'name' },
      transitions: { default: 'bye' },
    },
    bye: { message: 'Bye {{name}}', end: true },
  },
};

describe('Preview sessions and checking a definition (the playground)', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  let bot: Awaited<ReturnType<typeof publishedBot>>;

  beforeAll(async () => {
    t = await startTestApp();
    ({ auth } = await t.newWorkspace());
    bot = await publishedBot(t, auth, v1);
    await t
      .http()
      .patch(`${bot.base}/flows/${bot.flowId}`)
      .set(auth)
      .send({ flow: draft })
      .expect(200);
  });

  afterAll(() => t.close());

  it('runs the draft without publishing it, through the Chat API message route', async () => {
    const s = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/preview-sessions`)
      .set(auth)
      .send({})
      .expect(201);
    expect(s.body).toMatchObject({
      channel: 'api',
      current_state: 'ask',
      messages: [{ type: 'text', text: 'Draft: your name?' }],
    });
    const turn = await t
      .http()
      .post(`${bot.base}/chat/sessions/${s.body.session_id}/messages`)
      .set(auth)
      .send({ message: 'Asha' })
      .expect(200);
    expect(turn.body.messages).toEqual([{ type: 'text', text: 'Bye Asha' }]);

    const trace = await t
      .http()
      .get(`${bot.base}/conversations/${s.body.session_id}/trace`)
      .set(auth)
      .expect(200);
    expect(trace.body.items).toHaveLength(2);

    // The live bot still answers with the published version.
    const live = await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201);
    expect(live.body.messages[0].text).toBe('Published hello');
  });

  it('leaves preview runs out of stats, the conversation list and the version history', async () => {
    const before = (await t.http().get(`${bot.base}/stats`).set(auth).expect(200)).body;
    const s = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/preview-sessions`)
      .set(auth)
      .send({})
      .expect(201);
    const after = (await t.http().get(`${bot.base}/stats`).set(auth).expect(200)).body;
    expect(after.total_conversations).toBe(before.total_conversations);
    const list = await t.http().get(`${bot.base}/conversations`).set(auth).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(s.body.session_id);
    const versions = await t
      .http()
      .get(`${bot.base}/flows/${bot.flowId}/versions`)
      .set(auth)
      .expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    // Publishing after previews numbers the next version 2.
    const pub = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/publish`)
      .set(auth)
      .expect(200);
    expect(pub.body.version).toBe(2);
  });

  it('refuses a draft with errors (400, with paths), like a publish', async () => {
    const made = await t
      .http()
      .post(`${bot.base}/flows`)
      .set(auth)
      .send({
        name: 'broken',
        type: 'conversation',
        flow: { start: 'a', states: { a: { message: 'x', transitions: { default: 'nowhere' } } } },
      })
      .expect(201);
    const r = await t
      .http()
      .post(`${bot.base}/flows/${made.body.id}/preview-sessions`)
      .set(auth)
      .send({})
      .expect(400);
    expect(r.body.errors[0].path).toBe('states.a.transitions.default');
  });

  it('checks a definition sent in the body without storing it', async () => {
    const bad = {
      start: 'a',
      states: { a: { message: 'x', transitions: { default: 'nowhere' } } },
    };
    const r = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/validate`)
      .set(auth)
      .send({ flow: bad })
      .expect(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors[0].path).toBe('states.a.transitions.default');
    const stored = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/validate`)
      .set(auth)
      .expect(200);
    expect(stored.body.valid).toBe(true);
    const notObject = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/validate`)
      .set(auth)
      .send({ flow: [1] })
      .expect(400);
    expect(notObject.body.errors[0].path).toBe('flow');
  });
});
