import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Row locks held by the test itself: only PostgreSQL serves statements side by side. */
const onPostgres = process.env.DATABASE_URL ? it : it.skip;

const GOOD_FLOW = {
  start: 'greeting',
  states: {
    greeting: {
      message: 'Hi! What do you need?',
      buttons: [
        { id: 'faq', title: 'FAQ' },
        { id: 'bye', title: 'Nothing' },
      ],
      transitions: { faq: 'faq', bye: 'bye', default: 'greeting' },
    },
    faq: { message: 'We open at 8.', transitions: { always: 'bye' } },
    bye: { message: 'Bye!', end: true },
  },
};

describe('Flows API', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let other: Record<string, string>;
  let bot: string;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    auth = (await t.newWorkspace()).auth;
    other = (await t.newWorkspace()).auth;
    bot = (
      await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'Flows bot' }).expect(201)
    ).body.id;
    base = `/api/dev/v1/chatbots/${bot}/flows`;
  });
  afterAll(() => t.close());

  const createFlow = (body: object) => t.http().post(base).set(auth).send(body);

  it('should create a blank draft when no definition is given (seed 002 shape)', async () => {
    const res = await createFlow({ name: 'Onboarding Flow', type: 'conversation' }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      chatbot_id: bot,
      name: 'Onboarding Flow',
      type: 'conversation',
      status: 'draft',
      flow: {},
      published_at: null,
      created_at: expect.any(String),
      updated_at: null,
    });
  });

  it('should keep the definition as written, keys in their order, through publish', async () => {
    const flow = {
      states: {
        welcome_message: { message: 'Hi', transitions: { default: 'z' } },
        z: { message: 'Bye', end: true },
      },
      start: 'welcome_message',
    };
    const created = await createFlow({ name: 'Order', type: 'conversation', flow }).expect(201);
    const id = created.body.id as string;
    const got = await t.http().get(`${base}/${id}`).set(auth).expect(200);
    expect(JSON.stringify(got.body.flow)).toBe(JSON.stringify(flow));
    const pub = await t.http().post(`${base}/${id}/publish`).set(auth).expect(200);
    const versions = await t.http().get(`${base}/${id}/versions`).set(auth).expect(200);
    const version = await t
      .http()
      .get(`${base}/${id}/versions/${versions.body.items[0].id}`)
      .set(auth)
      .expect(200);
    expect(pub.body.version).toBe(1);
    expect(JSON.stringify(version.body.flow)).toBe(JSON.stringify(flow));
  });

  it('should list, get, patch and delete flows', async () => {
    const created = await createFlow({
      name: 'CRUD',
      type: 'conversation',
      flow: GOOD_FLOW,
    }).expect(201);
    const id = created.body.id as string;
    const list = await t.http().get(base).set(auth).expect(200);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    const item = list.body.items.find((f: { id: string }) => f.id === id);
    expect(item).toMatchObject({
      id,
      chatbot_id: bot,
      name: 'CRUD',
      type: 'conversation',
      status: 'draft',
    });
    expect(item.flow).toBeUndefined();
    const got = await t.http().get(`${base}/${id}`).set(auth).expect(200);
    expect(got.body.flow).toEqual(GOOD_FLOW);
    const patched = await t
      .http()
      .patch(`${base}/${id}`)
      .set(auth)
      .send({ name: 'Renamed', flow: { states: [] } })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', flow: { states: [] } });
    expect(patched.body.updated_at).not.toBeNull();
    await t.http().delete(`${base}/${id}`).set(auth).expect(204);
    await t.http().get(`${base}/${id}`).set(auth).expect(404);
  });

  it('should validate a flow and report errors and warnings with paths', async () => {
    const flow = {
      start: 'greeting',
      states: {
        greeting: { message: 'Hi', transitions: { default: 'nowhere' } },
        lonely: { message: 'Nobody comes here' },
      },
    };
    const id = (await createFlow({ name: 'Broken', type: 'conversation', flow }).expect(201)).body
      .id;
    const res = await t.http().post(`${base}/${id}/validate`).set(auth).expect(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'states.greeting.transitions.default' }),
      ]),
    );
    expect(res.body.warnings.map((w: { path: string }) => w.path)).toEqual(
      expect.arrayContaining(['states.lonely']),
    );
    const unchanged = await t.http().get(`${base}/${id}`).set(auth).expect(200);
    expect(unchanged.body.status).toBe('draft');
  });

  it('should refuse to publish a flow with errors, carrying the errors', async () => {
    const id = (
      await createFlow({ name: 'No states', type: 'conversation', flow: { start: 'x' } }).expect(
        201,
      )
    ).body.id;
    const res = await t.http().post(`${base}/${id}/publish`).set(auth).expect(400);
    expect(res.body.detail).toMatch(/validation errors/);
    expect(res.body.errors.length).toBeGreaterThan(0);
    expect(res.body.errors[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
    const versions = await t.http().get(`${base}/${id}/versions`).set(auth).expect(200);
    expect(versions.body.total).toBe(0);
  });

  it('should publish, version, and keep one published conversation flow per chatbot', async () => {
    const first = (
      await createFlow({ name: 'First', type: 'conversation', flow: GOOD_FLOW }).expect(201)
    ).body.id;
    const pub = await t.http().post(`${base}/${first}/publish`).set(auth).expect(200);
    expect(pub.body).toEqual({
      id: first,
      status: 'published',
      published_at: expect.any(String),
      version: 1,
    });

    const edited = {
      ...GOOD_FLOW,
      states: { ...GOOD_FLOW.states, bye: { message: 'See you!', end: true } },
    };
    await t.http().patch(`${base}/${first}`).set(auth).send({ flow: edited }).expect(200);
    const again = await t.http().post(`${base}/${first}/publish`).set(auth).expect(200);
    expect(again.body.version).toBe(2);

    const versions = await t.http().get(`${base}/${first}/versions`).set(auth).expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await t
      .http()
      .get(`${base}/${first}/versions/${versions.body.items[0].id}`)
      .set(auth)
      .expect(200);
    expect(v1.body.flow).toEqual(GOOD_FLOW);

    const second = (
      await createFlow({ name: 'Second', type: 'conversation', flow: GOOD_FLOW }).expect(201)
    ).body.id;
    await t.http().post(`${base}/${second}/publish`).set(auth).expect(200);
    expect((await t.http().get(`${base}/${first}`).set(auth).expect(200)).body.status).toBe(
      'draft',
    );
    expect((await t.http().get(`${base}/${second}`).set(auth).expect(200)).body.status).toBe(
      'published',
    );
  });

  it('should keep a publish made while the flow is being patched', async () => {
    // Its own chatbot: every round leaves exactly one of its two flows published.
    const own = (
      await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'Races' }).expect(201)
    ).body.id;
    const flows = `/api/dev/v1/chatbots/${own}/flows`;
    const ids: string[] = [];
    for (const name of ['A', 'B']) {
      const res = await t
        .http()
        .post(flows)
        .set(auth)
        .send({ name, type: 'conversation', flow: GOOD_FLOW })
        .expect(201);
      ids.push(res.body.id);
    }
    for (let round = 0; round < 20; round++) {
      const published = ids[round % 2];
      // Patched: the flow being published, or the other one, which the publish makes draft.
      const patched = ids[Math.floor(round / 2) % 2];
      const [, patch] = await Promise.all([
        t.http().post(`${flows}/${published}/publish`).set(auth).expect(200),
        t
          .http()
          .patch(`${flows}/${patched}`)
          .set(auth)
          .send({ name: `Round ${round}` }),
      ]);
      expect(patch.status).toBe(200);
      const list = await t.http().get(flows).set(auth).expect(200);
      const states = list.body.items.map((f: { id: string; name: string; status: string }) => ({
        id: f.id,
        status: f.status,
        renamed: f.name === `Round ${round}`,
      }));
      expect(states).toEqual(
        ids.map((id) => ({
          id,
          status: id === published ? 'published' : 'draft',
          renamed: id === patched,
        })),
      );
    }
    // The chatbot still runs its published flow.
    await t.http().post(`/api/dev/v1/chatbots/${own}/chat/sessions`).set(auth).expect(201);
  });

  onPostgres('should answer 404 to a publish of a flow deleted while it waited', async () => {
    const id = (
      await createFlow({ name: 'Deleted', type: 'conversation', flow: GOOD_FLOW }).expect(201)
    ).body.id;
    // The test holds the chatbot's row as another publish would, so this one waits for it
    // after having found the flow.
    const holder = t.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query('SELECT id FROM chatbots WHERE id = $1 FOR NO KEY UPDATE', [bot]);
      const publish = t
        .http()
        .post(`${base}/${id}/publish`)
        .set(auth)
        .then((r) => r);
      await waitFor(async () => {
        const [{ n }] = await t.db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%FROM chatbots%FOR NO KEY UPDATE%'`,
        );
        return n > 0;
      });
      await t.http().delete(`${base}/${id}`).set(auth).expect(204);
      await holder.commitTransaction();
      const res = await publish;
      expect({ status: res.status, body: res.body }).toEqual({
        status: 404,
        body: { detail: 'Flow not found' },
      });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('should answer 404 to a flow created under a chatbot deleted meanwhile', async () => {
    const own = (
      await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'Gone' }).expect(201)
    ).body.id;
    const flows = `/api/dev/v1/chatbots/${own}/flows`;
    await t.http().get(flows).set(auth).expect(200);
    // Deleted as another instance would: this one still remembers that the chatbot is the
    // caller's (for up to 5 s, docs/server-behaviour.md), so the write itself meets the gap.
    await t.db.query('DELETE FROM chatbots WHERE id = $1', [own]);
    const res = await t.http().post(flows).set(auth).send({ name: 'Late', type: 'conversation' });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 404,
      body: { detail: 'Chatbot not found' },
    });
  });

  it('should store and publish meta flows without running them, and refuse non-objects', async () => {
    const meta = {
      version: '3.1',
      screens: [{ id: 'WELCOME', layout: { type: 'SingleColumnLayout' } }],
    };
    const id = (await createFlow({ name: 'WA form', type: 'meta', flow: meta }).expect(201)).body
      .id;
    const v = await t.http().post(`${base}/${id}/validate`).set(auth).expect(200);
    expect(v.body).toEqual({ valid: true, errors: [], warnings: [] });
    await t.http().post(`${base}/${id}/publish`).set(auth).expect(200);
    const published = await t.http().get(base).set(auth).expect(200);
    const statuses = published.body.items.filter(
      (f: { status: string }) => f.status === 'published',
    );
    expect(statuses.map((f: { type: string }) => f.type).sort()).toEqual(['conversation', 'meta']);
    const bad = await createFlow({ name: 'Bad', type: 'meta', flow: [1, 2] }).expect(400);
    expect(bad.body.errors).toEqual([{ path: 'flow', message: 'flow must be a JSON object' }]);
  });

  it('should refuse bad create bodies with field paths', async () => {
    const res = await createFlow({ name: '', type: 'workflow', flow: 'text', extra: true }).expect(
      400,
    );
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'extra',
      'flow',
      'name',
      'type',
    ]);
  });

  it('should refuse a patch setting the name or definition to null, changing nothing', async () => {
    const id = (
      await createFlow({ name: 'Kept', type: 'conversation', flow: GOOD_FLOW }).expect(201)
    ).body.id;
    const res = await t
      .http()
      .patch(`${base}/${id}`)
      .set(auth)
      .send({ name: null, flow: null })
      .expect(400);
    expect(res.body).toEqual({
      detail: 'Request validation failed.',
      errors: [
        { path: 'name', message: expect.stringMatching(/^name /) },
        { path: 'flow', message: 'flow must be a JSON object' },
      ],
    });
    const got = await t.http().get(`${base}/${id}`).set(auth).expect(200);
    expect(got.body).toMatchObject({ name: 'Kept', flow: GOOD_FLOW, updated_at: null });
  });

  it('should refuse definitions deeper than 64 levels', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 70; i++) deep = { nested: deep };
    const res = await createFlow({ name: 'Deep', type: 'conversation', flow: deep }).expect(400);
    // Refused at the edge, before any transformation, naming the field past the limit.
    expect(res.body.errors).toEqual([
      { path: expect.stringMatching(/^flow(\.nested)+$/), message: expect.stringMatching(/64/) },
    ]);
  });

  it('should refuse definitions over 1 MiB with 413', async () => {
    const huge = { states: { a: { message: 'x'.repeat(1024 * 1024) } } };
    await createFlow({ name: 'Huge', type: 'conversation', flow: huge }).expect(413);
  });

  it("should hide another workspace's flows exactly like missing ones", async () => {
    const id = (
      await createFlow({ name: 'Mine', type: 'conversation', flow: GOOD_FLOW }).expect(201)
    ).body.id;
    await t.http().get(base).set(other).expect(404);
    await t.http().post(base).set(other).send({ name: 'x', type: 'conversation' }).expect(404);
    for (const [method, path] of [
      ['get', ''],
      ['patch', ''],
      ['delete', ''],
      ['post', '/validate'],
      ['post', '/publish'],
      ['get', '/versions'],
    ] as const) {
      const res = await t.http()[method](`${base}/${id}${path}`).set(other).send({}).expect(404);
      expect(res.body.detail).toMatch(/not found/);
    }
    await t.http().get(`${base}/${id}`).set(auth).expect(200);
  });
});
