import { startTestApp, TestApp } from './support/test-app';

describe('HTTP conventions', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp();
    auth = (await t.newWorkspace()).auth;
  });
  afterAll(() => t.close());

  it('should give every response an X-Request-Id, echoing a valid incoming one', async () => {
    const made = await t.http().get('/health/live').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9A-Z]{26}$/);
    const echoed = await t
      .http()
      .get('/api/dev/v1/me')
      .set('X-Request-Id', 'client-req-42')
      .expect(401);
    expect(echoed.headers['x-request-id']).toBe('client-req-42');
    const replaced = await t
      .http()
      .get('/health/live')
      .set('X-Request-Id', 'bad id with spaces')
      .expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('should answer broken JSON with 400', async () => {
    const res = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"name": "x"')
      .expect(400);
    expect(res.body).toEqual({
      detail: 'Request body is not valid JSON.',
      errors: [{ path: '', message: 'Request body is not valid JSON.' }],
    });
  });

  it('should answer a body that is not an object with 400', async () => {
    for (const body of ['null', '[1,2]', '"text"', '3']) {
      const res = await t
        .http()
        .post('/api/dev/v1/chatbots')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body.detail).toBe('Request body must be a JSON object.');
      expect(res.body.errors).toEqual([
        { path: '', message: 'Request body must be a JSON object.' },
      ]);
    }
  });

  it('should answer a body over 1 MiB with 413', async () => {
    const res = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .send({ name: 'big', description: 'x'.repeat(1024 * 1024 + 10) })
      .expect(413);
    expect(res.body.detail).toMatch(/1 MiB/);
  });

  it('should answer a wrong content type with 415', async () => {
    const res = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .set('Content-Type', 'text/plain')
      .send('{"name":"x"}')
      .expect(415);
    expect(res.body.detail).toMatch(/application\/json/);
  });

  it('should reject unknown fields with the path of each', async () => {
    const res = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .send({ name: 'ok', colour: 'red' })
      .expect(400);
    expect(res.body).toEqual({
      detail: 'Request validation failed.',
      errors: [{ path: 'colour', message: 'Unknown field.' }],
    });
  });

  it('should answer unknown routes with 404 and a detail', async () => {
    const res = await t.http().get('/api/dev/v1/nope').set(auth).expect(404);
    expect(res.body.detail).toMatch(/No route/);
  });

  it('should answer an unexpected failure with 500, an error_id that is in the log, and no stack', async () => {
    const ws = await t.newWorkspace();
    await t.db.query('ALTER TABLE chatbots RENAME TO chatbots_gone');
    try {
      const res = await t.http().get('/api/dev/v1/chatbots').set(ws.auth).expect(500);
      expect(Object.keys(res.body).sort()).toEqual(['detail', 'error_id']);
      expect(JSON.stringify(res.body)).not.toMatch(/chatbots_gone|at .*\.ts|QueryFailed/);
      const line = t.logs.lines.find((l) => l.includes(res.body.error_id as string));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({
        level: 'error',
        error_id: res.body.error_id,
        request_id: res.headers['x-request-id'],
      });
    } finally {
      await t.db.query('ALTER TABLE chatbots_gone RENAME TO chatbots');
    }
  });

  it('should log one JSON line per request with its request id', async () => {
    await t.http().get('/health/live').set('X-Request-Id', 'trace-me-123').expect(200);
    const line = t.logs.lines
      .map((l) => JSON.parse(l))
      .find((l) => l.request_id === 'trace-me-123');
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      route: '/health/live',
      status: 200,
    });
  });
});
