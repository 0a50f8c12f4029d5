import { type Backend, startBackend } from './support/backend';
import { echoFlow, publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';

type Bot = Awaited<ReturnType<typeof publishedBot>>;
interface TraceItem {
  events: { type: string; status?: string; status_code?: number; reason?: string }[];
}

/** Answers `a` or `b`; anything else is a fallback (no match). Loops for ever. */
const pickFlow = {
  start: 'pick',
  states: {
    pick: { message: 'a or b?', transitions: { a: 'picked', b: 'picked' } },
    picked: { message: 'Picked', transitions: { default: 'pick' } },
  },
};

describe('Trace level per chatbot (full, errors, off)', () => {
  let t: TestApp;
  let backend: Backend;
  let auth: { Authorization: string };

  beforeAll(async () => {
    backend = await startBackend();
    // The backend fails every call whose message was "fail" (retries too), and answers the rest.
    backend.respond((call) =>
      call.body.includes('"fail"')
        ? { status: 500, body: { error: 'down' } }
        : { status: 200, body: { ok: true } },
    );
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    ({ auth } = await t.newWorkspace());
  });

  afterAll(async () => {
    await t.close();
    await backend.close();
  });

  const setLevel = (bot: Bot, trace_level: unknown) =>
    t.http().patch(bot.base).set(auth).send({ trace_level });

  const start = async (bot: Bot) =>
    (await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201)).body
      .session_id as string;

  const say = (bot: Bot, sid: string, message: string) =>
    t
      .http()
      .post(`${bot.base}/chat/sessions/${sid}/messages`)
      .set(auth)
      .send({ message })
      .expect(200);

  const traces = async (bot: Bot, sid: string): Promise<TraceItem[]> =>
    (await t.http().get(`${bot.base}/conversations/${sid}/trace?limit=100`).set(auth).expect(200))
      .body.items;

  /** A session on the echo flow: the start, then three messages, the second failing its API_CALL. */
  async function echoSession(bot: Bot): Promise<string> {
    const sid = await start(bot);
    for (const message of ['hello', 'fail', 'bye']) await say(bot, sid, message);
    return sid;
  }

  const failedCalls = (items: TraceItem[]) =>
    items.flatMap((i) => i.events).filter((e) => e.type === 'api_call' && e.status !== 'success');

  it('should show trace_level (full by default), keep each level set, and reset it with null', async () => {
    const created = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .send({ name: 'levels' })
      .expect(201);
    expect(created.body.trace_level).toBe('full');
    const bot = { base: `/api/dev/v1/chatbots/${created.body.id}` } as Bot;

    for (const level of ['errors', 'off', 'full', 'off']) {
      const set = await setLevel(bot, level).expect(200);
      expect(set.body).toMatchObject({
        id: created.body.id,
        trace_level: level,
        retention: { traces_days: null, messages_days: null },
      });
      expect((await t.http().get(bot.base).set(auth).expect(200)).body.trace_level).toBe(level);
    }
    const list = await t.http().get('/api/dev/v1/chatbots?limit=200').set(auth).expect(200);
    expect(list.body.items.find((c: { id: string }) => c.id === created.body.id).trace_level).toBe(
      'off',
    );

    // Other fields leave it as it is; null sets it back to the default.
    const renamed = await t.http().patch(bot.base).set(auth).send({ name: 'renamed' }).expect(200);
    expect(renamed.body.trace_level).toBe('off');
    expect((await setLevel(bot, null).expect(200)).body.trace_level).toBe('full');
  });

  it('should refuse any other value with 400 and the path trace_level, naming the three levels', async () => {
    const bot = await publishedBot(t, auth, pickFlow);
    await setLevel(bot, 'errors').expect(200);
    for (const bad of ['verbose', 'FULL', '', 1, true, ['full'], { level: 'full' }]) {
      const res = await setLevel(bot, bad).expect(400);
      expect(res.body.detail).toEqual(expect.any(String));
      expect(res.body.errors).toEqual([
        { path: 'trace_level', message: expect.stringContaining('full, errors, off') },
      ]);
    }
    expect((await t.http().get(bot.base).set(auth).expect(200)).body.trace_level).toBe('errors');
    // The database refuses another value too.
    await expect(
      t.db.query(`UPDATE chatbots SET trace_level = 'verbose' WHERE id = $1`, [bot.chatbotId]),
    ).rejects.toThrow(/chatbots_trace_level_check/);
  });

  it('full: every turn writes its trace', async () => {
    const bot = await publishedBot(t, auth, echoFlow(backend.url));
    const sid = await echoSession(bot);
    const items = await traces(bot, sid);
    expect(items).toHaveLength(4);
    expect(failedCalls(items)).toHaveLength(1);
  });

  it('off: no turn writes a trace, from the next turn on', async () => {
    const bot = await publishedBot(t, auth, echoFlow(backend.url));
    const sid = await start(bot);
    expect(await traces(bot, sid)).toHaveLength(1);
    await setLevel(bot, 'off').expect(200);
    for (const message of ['hello', 'fail', 'bye']) await say(bot, sid, message);
    expect(await traces(bot, sid)).toHaveLength(1);

    const fresh = await echoSession(bot);
    expect(await traces(bot, fresh)).toEqual([]);
    // The turns themselves ran: the backend saw each message, the history has them all.
    expect(backend.calls.filter((c) => c.body.includes('"fail"')).length).toBeGreaterThan(0);
    const history = await t
      .http()
      .get(`${bot.base}/conversations/${fresh}/messages`)
      .set(auth)
      .expect(200);
    expect(history.body.total).toBe(7);
  });

  it('errors: only the turn whose API_CALL failed writes its trace', async () => {
    const bot = await publishedBot(t, auth, echoFlow(backend.url));
    await setLevel(bot, 'errors').expect(200);
    const before = backend.calls.length;
    const sid = await echoSession(bot);
    expect(backend.calls.length - before).toBeGreaterThanOrEqual(3);
    const items = await traces(bot, sid);
    expect(items).toHaveLength(1);
    expect(items[0].events[0]).toEqual({ type: 'message_received', message_type: 'text' });
    expect(failedCalls(items)).toEqual([
      expect.objectContaining({ type: 'api_call', status: 'failure', status_code: 500 }),
    ]);
  });

  it('errors: a fallback keeps its trace; a handoff through the API does not', async () => {
    const bot = await publishedBot(t, auth, pickFlow);
    await setLevel(bot, 'errors').expect(200);
    const sid = await start(bot);
    await say(bot, sid, 'a');
    await say(bot, sid, 'next');
    await say(bot, sid, 'zzz');
    const items = await traces(bot, sid);
    expect(items).toHaveLength(1);
    expect(items[0].events).toContainEqual({ type: 'fallback', state: 'pick', reason: 'no_match' });

    await t
      .http()
      .post(`${bot.base}/conversations/${sid}/handoff`)
      .set(auth)
      .send({ reason: 'asked for a person' })
      .expect(200);
    expect(await traces(bot, sid)).toHaveLength(1);
  });

  it('a playground preview session keeps every trace, its handoff too, even at off', async () => {
    const bot = await publishedBot(t, auth, pickFlow);
    await t
      .http()
      .patch(`${bot.base}/flows/${bot.flowId}`)
      .set(auth)
      .send({ flow: echoFlow(backend.url) })
      .expect(200);
    await setLevel(bot, 'off').expect(200);

    const preview = await t
      .http()
      .post(`${bot.base}/flows/${bot.flowId}/preview-sessions`)
      .set(auth)
      .send({})
      .expect(201);
    const sid = preview.body.session_id as string;
    for (const message of ['hello', 'fail']) await say(bot, sid, message);
    const items = await traces(bot, sid);
    expect(items).toHaveLength(3);
    expect(failedCalls(items)).toHaveLength(1);

    await t.http().post(`${bot.base}/conversations/${sid}/handoff`).set(auth).send({}).expect(200);
    const after = await traces(bot, sid);
    expect(after).toHaveLength(4);
    expect(after[3].events).toEqual([expect.objectContaining({ type: 'handoff', source: 'api' })]);

    // The live bot at the same level keeps none.
    const live = await start(bot);
    await say(bot, live, 'b');
    expect(await traces(bot, live)).toEqual([]);
  });
});
