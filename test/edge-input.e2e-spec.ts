import { startTestApp, TestApp } from './support/test-app';
import { publishedBot } from './support/flows';

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';

/** Issue 16: bytes PostgreSQL or the DTO layer cannot take get a 4xx with a path, never a 500. */
describe('Bad bytes and bad shapes at the edge', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let bot: { chatbotId: string; flowId: string; base: string };
  const admin = { Authorization: 'Bearer admin-token-0123456789' };

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_TOKEN: 'admin-token-0123456789' });
    auth = (await t.newWorkspace()).auth;
    bot = await publishedBot(t, auth, {
      start: 'hi',
      states: { hi: { message: 'Hi', transitions: { default: 'hi' } } },
    });
  });
  afterAll(() => t.close());

  async function session() {
    const res = await t.http().post(`${bot.base}/chat/sessions`).set(auth).send({}).expect(201);
    return res.body.session_id as string;
  }

  const cases: Array<
    [string, () => Promise<{ url: string; body: object; headers: Record<string, string> }>, string]
  > = [
    [
      'chatbot name',
      async () => ({
        url: '/api/dev/v1/chatbots',
        body: { name: NUL },
        headers: auth,
      }),
      'name',
    ],
    [
      'chatbot description',
      async () => ({
        url: '/api/dev/v1/chatbots',
        body: { name: 'ok', description: NUL },
        headers: auth,
      }),
      'description',
    ],
    [
      'flow name',
      async () => ({
        url: `${bot.base}/flows`,
        body: { name: NUL, type: 'conversation' },
        headers: auth,
      }),
      'name',
    ],
    [
      'contact_name',
      async () => ({
        url: `${bot.base}/chat/sessions`,
        body: { contact_name: NUL },
        headers: auth,
      }),
      'contact_name',
    ],
    [
      'chat message',
      async () => ({
        url: `${bot.base}/chat/sessions/${await session()}/messages`,
        body: { message: NUL },
        headers: auth,
      }),
      'message',
    ],
    [
      'admin workspace name',
      async () => ({
        url: '/api/admin/v1/workspaces',
        body: { name: NUL },
        headers: admin,
      }),
      'name',
    ],
    [
      'a nested flow field',
      async () => ({
        url: `${bot.base}/flows`,
        body: { name: 'f', type: 'conversation', flow: { states: { s: { message: NUL } } } },
        headers: auth,
      }),
      'flow.states.s.message',
    ],
    [
      'a field name',
      async () => ({
        url: `${bot.base}/flows`,
        body: { name: 'f', type: 'conversation', flow: { [NUL]: 1 } },
        headers: auth,
      }),
      'flow."a\\u0000b"',
    ],
  ];

  it.each(cases)(
    'should refuse a NUL in the %s with 400 and its path',
    async (_what, make, path) => {
      const r = await make();
      const res = await t.http().post(r.url).set(r.headers).send(r.body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path, message: expect.stringMatching(/NUL/) }]);
    },
  );

  it('should refuse a NUL in a query filter', async () => {
    const res = await t.http().get(`${bot.base}/conversations?user=%00`).set(auth).expect(400);
    expect(res.body.errors).toEqual([
      { path: 'query.user', message: expect.stringMatching(/NUL/) },
    ]);
  });

  it.each([
    ['message', async () => `${bot.base}/chat/sessions/${await session()}/messages`],
    ['contact_name', async () => `${bot.base}/chat/sessions`],
  ])('should refuse a lone surrogate in %s and leave nothing half-written', async (field, url) => {
    const before = await t.http().get(`${bot.base}/conversations`).set(auth).expect(200);
    const res = await t
      .http()
      .post(await url())
      .set(auth)
      .send({ message: 'ok', [field]: LONE });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: field, message: expect.stringMatching(/surrogate/) }]);
    const after = await t.http().get(`${bot.base}/conversations`).set(auth).expect(200);
    const created = after.body.total - before.body.total;
    // The message case made one session itself (to send to); contact_name must make none.
    expect(created).toBe(field === 'message' ? 1 : 0);
    const closedEmpty = (
      after.body.items as Array<{ status: string; message_count: number }>
    ).filter((c) => c.status === 'CLOSED' && c.message_count === 0);
    expect(closedEmpty).toEqual([]);
  });

  it.each([
    ['a class-transformer route', () => `${bot.base}/chat/sessions`],
    ['an integration route', () => `${bot.base}/integrations`],
  ])('should refuse 20,000-deep JSON on %s with 400', async (_what, url) => {
    const body = '{"x":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}';
    const res = await t
      .http()
      .post(url())
      .set(auth)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/nested deeper than 64 levels/);
  });

  it('should refuse unknown fields on publish, which takes no body', async () => {
    const url = `${bot.base}/flows/${bot.flowId}/publish`;
    const res = await t.http().post(url).set(auth).send({ bogus_field: 1 }).expect(400);
    expect(res.body.errors).toEqual([
      { path: 'bogus_field', message: expect.stringMatching(/no request body/) },
    ]);
    await t.http().post(url).set(auth).send({}).expect(200);
  });

  it('should refuse unknown fields on validate, whose only field is flow', async () => {
    const url = `${bot.base}/flows/${bot.flowId}/validate`;
    const res = await t.http().post(url).set(auth).send({ bogus_field: 1 }).expect(400);
    expect(res.body.errors).toEqual([{ path: 'bogus_field', message: 'Unknown field.' }]);
    await t.http().post(url).set(auth).send({}).expect(200);
  });

  it('should refuse unknown fields when creating an API key on the admin API', async () => {
    const ws = await t
      .http()
      .post('/api/admin/v1/workspaces')
      .set(admin)
      .send({ name: 'keys' })
      .expect(201);
    const url = `/api/admin/v1/workspaces/${ws.body.id}/api-keys`;
    const res = await t.http().post(url).set(admin).send({ bogus_field: 1 }).expect(400);
    expect(res.body.errors[0].path).toBe('bogus_field');
    await t.http().post(url).set(admin).expect(201);
  });

  it('should answer concurrent creates of one name with one 201 and 409s, never a 500', async () => {
    const name = `same-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http().post('/api/admin/v1/workspaces').set(admin).send({ name }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
  });

  it('should answer 404 on every route of a deleted chatbot, at once', async () => {
    const gone = await publishedBot(t, auth, {
      start: 's',
      states: { s: { message: 'x', end: true } },
    });
    await t.http().post(`${gone.base}/chat/sessions`).set(auth).send({}).expect(201);
    await t.http().delete(gone.base).set(auth).expect(204);
    await t.http().post(`${gone.base}/chat/sessions`).set(auth).send({}).expect(404);
    await t.http().get(`${gone.base}/conversations`).set(auth).expect(404);
    await t.http().get(`${gone.base}/flows`).set(auth).expect(404);
    await t.http().get(`${gone.base}/integrations`).set(auth).expect(404);
  });
});
