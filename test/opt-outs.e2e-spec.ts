import { startTestApp, type TestApp } from './support/test-app';

describe('Opt-outs API', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    auth = (await t.newWorkspace()).auth;
    const bot = await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'shop' });
    base = `/api/dev/v1/chatbots/${bot.body.id}/opt-outs`;
  });
  afterAll(() => t.close());

  it('should add a number once, list it, and remove it', async () => {
    const added = await t
      .http()
      .post(base)
      .set(auth)
      .send({ channel: 'sms', user_id: '+255700000001' })
      .expect(201);
    expect(added.body).toMatchObject({
      channel: 'sms',
      user_id: '+255700000001',
      source: 'api',
    });
    const again = await t
      .http()
      .post(base)
      .set(auth)
      .send({ channel: 'sms', user_id: '+255700000001' })
      .expect(201);
    expect(again.body.id).toBe(added.body.id);
    await t
      .http()
      .post(base)
      .set(auth)
      .send({ channel: 'whatsapp', user_id: '+255700000001' })
      .expect(201);
    const list = await t.http().get(`${base}?limit=1`).set(auth).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.next_cursor).not.toBeNull();
    await t.http().delete(`${base}/${added.body.id}`).set(auth).expect(204);
    await t.http().delete(`${base}/${added.body.id}`).set(auth).expect(404);
    expect((await t.http().get(base).set(auth)).body.total).toBe(1);
  });

  it('should refuse bad fields with their paths', async () => {
    const res = await t
      .http()
      .post(base)
      .set(auth)
      .send({ channel: 'fax', user_id: '0700 000 001' })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'channel',
      'user_id',
    ]);
  });

  it("should keep another workspace's list out of reach", async () => {
    const other = (await t.newWorkspace()).auth;
    await t.http().get(base).set(other).expect(404);
    await t
      .http()
      .post(base)
      .set(other)
      .send({ channel: 'sms', user_id: '+255700000002' })
      .expect(404);
  });
});
