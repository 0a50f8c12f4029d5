import { startTestApp, TestApp } from './support/test-app';

describe('API key authentication', () => {
  let t: TestApp;
  const ADMIN = 'admin-token-0123456789';
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => t.close());

  const INVALID = { detail: 'Invalid or expired API key.' };

  it.each([
    ['missing header', undefined],
    ['basic scheme', 'Basic dXNlcjpwYXNz'],
    ['bearer without a key', 'Bearer '],
    ['malformed key', 'Bearer not-a-key'],
    ['unknown key', 'Bearer sk_thisKeyWasNeverIssuedToAnyone00'],
  ])('should answer 401 for a %s', async (_name, header) => {
    const req = t.http().get('/api/dev/v1/me');
    if (header !== undefined) req.set('Authorization', header);
    const res = await req.expect(401);
    expect(res.body).toEqual(INVALID);
  });

  it('should guard every developer route, not only /me', async () => {
    await t.http().get('/api/dev/v1/chatbots').expect(401, INVALID);
    await t.http().post('/api/dev/v1/chatbots').send({ name: 'x' }).expect(401, INVALID);
  });

  it('should return the workspace and key metadata, never the key', async () => {
    const ws = await t.newWorkspace('acme-auth');
    const res = await t.http().get('/api/dev/v1/me').set(ws.auth).expect(200);
    expect(res.body.workspace).toEqual({ id: ws.workspaceId, name: 'acme-auth' });
    expect(res.body.api_key.prefix).toBe(ws.apiKey.slice(0, 10));
    expect(JSON.stringify(res.body)).not.toContain(ws.apiKey);
  });

  it('should refuse a revoked key at once on this instance', async () => {
    const ws = await t.newWorkspace();
    const me = await t.http().get('/api/dev/v1/me').set(ws.auth).expect(200);
    await t
      .http()
      .delete(`/api/admin/v1/api-keys/${me.body.api_key.id}`)
      .set('Authorization', `Bearer ${ADMIN}`)
      .expect(204);
    await t.http().get('/api/dev/v1/me').set(ws.auth).expect(401, INVALID);
  });

  it('should never store the plaintext key', async () => {
    const ws = await t.newWorkspace();
    const rows = await t.db.query('SELECT prefix, key_hash FROM api_keys');
    expect(rows.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(ws.apiKey);
  });
});

describe('Rate limits per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('should answer 429 with Retry-After over the limit, per key', async () => {
    const a = await t.newWorkspace();
    const b = await t.newWorkspace();
    for (let i = 0; i < 3; i++) await t.http().get('/api/dev/v1/me').set(a.auth).expect(200);
    const limited = await t.http().get('/api/dev/v1/me').set(a.auth).expect(429);
    expect(limited.body.detail).toMatch(/Rate limit/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await t.http().get('/api/dev/v1/me').set(b.auth).expect(200);
  });
});
