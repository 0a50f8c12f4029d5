import { startTestApp, TestApp } from './support/test-app';

describe('Admin API', () => {
  describe('without ADMIN_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('should not exist', async () => {
      const res = await t
        .http()
        .post('/api/admin/v1/workspaces')
        .set('Authorization', 'Bearer anything-at-all-here')
        .send({ name: 'x' })
        .expect(404);
      expect(res.body.detail).toMatch(/No route/);
    });
  });

  describe('with ADMIN_TOKEN', () => {
    const ADMIN = { Authorization: 'Bearer admin-token-0123456789' };
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ ADMIN_TOKEN: 'admin-token-0123456789' });
    });
    afterAll(() => t.close());

    it('should refuse a wrong or missing admin token', async () => {
      await t.http().post('/api/admin/v1/workspaces').send({ name: 'x' }).expect(401);
      await t
        .http()
        .post('/api/admin/v1/workspaces')
        .set('Authorization', 'Bearer admin-token-0123456780')
        .send({ name: 'x' })
        .expect(401);
    });

    it('should create a workspace with a working key, shown once', async () => {
      const res = await t
        .http()
        .post('/api/admin/v1/workspaces')
        .set(ADMIN)
        .send({ name: 'Acme' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        name: 'Acme',
        created_at: expect.any(String),
        api_key: expect.stringMatching(/^sk_/),
      });
      const me = await t
        .http()
        .get('/api/dev/v1/me')
        .set('Authorization', `Bearer ${res.body.api_key}`)
        .expect(200);
      expect(me.body.workspace.id).toBe(res.body.id);
    });

    it('should refuse a duplicate workspace name with 409', async () => {
      await t.http().post('/api/admin/v1/workspaces').set(ADMIN).send({ name: 'Dup' }).expect(201);
      await t.http().post('/api/admin/v1/workspaces').set(ADMIN).send({ name: 'Dup' }).expect(409);
    });

    it('should validate the body', async () => {
      const res = await t
        .http()
        .post('/api/admin/v1/workspaces')
        .set(ADMIN)
        .send({ name: '', extra: 1 })
        .expect(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'extra', message: 'Unknown field.' },
          expect.objectContaining({ path: 'name' }),
        ]),
      );
    });

    it('should add keys to a workspace and revoke them one by one', async () => {
      const ws = await t
        .http()
        .post('/api/admin/v1/workspaces')
        .set(ADMIN)
        .send({ name: 'Keys' })
        .expect(201);
      const second = await t
        .http()
        .post(`/api/admin/v1/workspaces/${ws.body.id}/api-keys`)
        .set(ADMIN)
        .expect(201);
      expect(second.body.api_key).not.toBe(ws.body.api_key);
      await t.http().delete(`/api/admin/v1/api-keys/${second.body.id}`).set(ADMIN).expect(204);
      await t
        .http()
        .get('/api/dev/v1/me')
        .set('Authorization', `Bearer ${second.body.api_key}`)
        .expect(401);
      await t
        .http()
        .get('/api/dev/v1/me')
        .set('Authorization', `Bearer ${ws.body.api_key}`)
        .expect(200);
    });

    it('should answer 404 for unknown workspaces and keys', async () => {
      await t
        .http()
        .post('/api/admin/v1/workspaces/01JAAAAAAAAAAAAAAAAAAAAAAA/api-keys')
        .set(ADMIN)
        .expect(404);
      await t
        .http()
        .delete('/api/admin/v1/api-keys/01JAAAAAAAAAAAAAAAAAAAAAAA')
        .set(ADMIN)
        .expect(404);
    });
  });
});
