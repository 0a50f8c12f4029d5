import { startTestApp, TestApp } from './support/test-app';

describe('Chatbots API', () => {
  let t: TestApp;
  let a: { Authorization: string };
  let b: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp();
    a = (await t.newWorkspace()).auth;
    b = (await t.newWorkspace()).auth;
  });
  afterAll(() => t.close());

  const create = (auth: Record<string, string>, body: object) =>
    t.http().post('/api/dev/v1/chatbots').set(auth).send(body);

  it('should create, read, update and delete a chatbot', async () => {
    const created = await create(a, { name: 'Orders', description: 'Order status bot' }).expect(
      201,
    );
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: 'Orders',
      description: 'Order status bot',
      events_url: null,
      events_secret: null,
      retention: { traces_days: null, messages_days: null },
      trace_level: 'full',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as string;
    await t.http().get(`/api/dev/v1/chatbots/${id}`).set(a).expect(200, created.body);
    const patched = await t
      .http()
      .patch(`/api/dev/v1/chatbots/${id}`)
      .set(a)
      .send({ description: null })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Orders', description: null });
    // A name cannot be cleared: null is refused, and nothing of that PATCH is kept.
    const nameless = await t
      .http()
      .patch(`/api/dev/v1/chatbots/${id}`)
      .set(a)
      .send({ name: null, description: 'kept?' })
      .expect(400);
    expect(nameless.body.errors).toEqual([
      { path: 'name', message: expect.stringMatching(/^name /) },
    ]);
    await t.http().get(`/api/dev/v1/chatbots/${id}`).set(a).expect(200, patched.body);
    await t.http().delete(`/api/dev/v1/chatbots/${id}`).set(a).expect(204);
    await t.http().get(`/api/dev/v1/chatbots/${id}`).set(a).expect(404);
  });

  it('should refuse a duplicate name in one workspace with 409, but allow it in another', async () => {
    await create(a, { name: 'Twin' }).expect(201);
    const dup = await create(a, { name: 'Twin' }).expect(409);
    expect(dup.body.detail).toContain('Twin');
    await create(b, { name: 'Twin' }).expect(201);
    const other = await create(a, { name: 'Other' }).expect(201);
    await t
      .http()
      .patch(`/api/dev/v1/chatbots/${other.body.id}`)
      .set(a)
      .send({ name: 'Twin' })
      .expect(409);
  });

  it('should keep every change of PATCHes of one chatbot made at once', async () => {
    const id = (await create(a, { name: 'Edited at once' }).expect(201)).body.id as string;
    const patch = (body: object) =>
      t.http().patch(`/api/dev/v1/chatbots/${id}`).set(a).send(body).expect(200);
    for (let round = 1; round <= 10; round++) {
      await Promise.all([
        patch({ name: `Edited ${round}` }),
        patch({ description: `Round ${round}` }),
        patch({ retention: { traces_days: round } }),
      ]);
      const got = await t.http().get(`/api/dev/v1/chatbots/${id}`).set(a).expect(200);
      expect(got.body).toMatchObject({
        name: `Edited ${round}`,
        description: `Round ${round}`,
        retention: { traces_days: round, messages_days: null },
      });
    }
  });

  it("should hide another workspace's chatbots exactly like missing ones", async () => {
    const mine = await create(a, { name: 'Private' }).expect(201);
    const url = `/api/dev/v1/chatbots/${mine.body.id}`;
    const missing = await t
      .http()
      .get('/api/dev/v1/chatbots/01JAAAAAAAAAAAAAAAAAAAAAAA')
      .set(b)
      .expect(404);
    const res = await t.http().get(url).set(b).expect(404);
    expect(res.body).toEqual(missing.body);
    await t.http().patch(url).set(b).send({ name: 'Stolen' }).expect(404);
    await t.http().delete(url).set(b).expect(404);
    await t.http().get(`${url}/stats`).set(b).expect(404);
    const list = await t.http().get('/api/dev/v1/chatbots').set(b).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(mine.body.id);
    await t.http().get(url).set(a).expect(200);
  });

  it('should page through the list with limit and cursor', async () => {
    const ws = await t.newWorkspace();
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await create(ws.auth, { name }).expect(201);
    const first = await t.http().get('/api/dev/v1/chatbots?limit=2').set(ws.auth).expect(200);
    expect(first.body.total).toBe(5);
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['p1', 'p2']);
    const second = await t
      .http()
      .get(`/api/dev/v1/chatbots?limit=2&cursor=${first.body.next_cursor}`)
      .set(ws.auth)
      .expect(200);
    expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['p3', 'p4']);
    const last = await t
      .http()
      .get(`/api/dev/v1/chatbots?limit=2&cursor=${second.body.next_cursor}`)
      .set(ws.auth)
      .expect(200);
    expect(last.body.items.map((c: { name: string }) => c.name)).toEqual(['p5']);
    expect(last.body.next_cursor).toBeNull();
  });

  it.each([['limit=0'], ['limit=201'], ['limit=abc'], ['cursor=bogus']])(
    'should refuse bad paging (%s) with the field path',
    async (q) => {
      const res = await t.http().get(`/api/dev/v1/chatbots?${q}`).set(a).expect(400);
      expect(res.body.errors[0].path).toBe(q.split('=')[0]);
    },
  );

  it('should report zero stats for a chatbot without conversations', async () => {
    const bot = await create(a, { name: 'Quiet' }).expect(201);
    await t
      .http()
      .get(`/api/dev/v1/chatbots/${bot.body.id}/stats`)
      .set(a)
      .expect(200, { total_conversations: 0, total_messages: 0, active_users_7d: 0 });
  });

  it('should validate fields with their paths', async () => {
    const res = await create(a, { name: 42, description: 'x'.repeat(2001) }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'description',
      'name',
    ]);
  });
});
