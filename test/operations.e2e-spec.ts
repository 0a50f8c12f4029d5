import { runMigrations } from '../src/database/run-migrations';
import { startTestApp, TestApp } from './support/test-app';

describe('Operations endpoints', () => {
  describe('on a migrated database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('should report live and ready', async () => {
      await t.http().get('/health/live').expect(200, { status: 'ok' });
      await t.http().get('/health/ready').expect(200, { status: 'ready' });
    });

    it('should expose Prometheus metrics with request counts and latency', async () => {
      await t.http().get('/health/live').expect(200);
      const res = await t.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(
        /http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/,
      );
      expect(res.text).toMatch(
        /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health\/live"\}/,
      );
    });

    it('should serve the OpenAPI document and the docs page', async () => {
      const doc = await t.http().get('/api/dev/v1/openapi.json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/dev/v1/chatbots', '/api/dev/v1/me']),
      );
      const page = await t.http().get('/docs').expect(200);
      expect(page.text).toMatch(/swagger/i);
    });
  });

  describe('before migrations', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ MIGRATE_ON_START: 'false' });
    });
    afterAll(() => t.close());

    it('should be live but not ready until the migrations are applied', async () => {
      await t.http().get('/health/live').expect(200);
      const res = await t.http().get('/health/ready').expect(503);
      expect(res.body.detail).toMatch(/migrations are pending/);
      const applied = await runMigrations(t.db);
      expect(applied.length).toBeGreaterThan(0);
      await t.http().get('/health/ready').expect(200);
      expect(await runMigrations(t.db)).toEqual([]);
    });
  });
});
