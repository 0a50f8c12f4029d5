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

    it('should expose event-loop delay, GC pauses and the wait before each handler', async () => {
      for (let i = 0; i < 5; i++) await t.http().get('/health/live').expect(200);
      // Garbage enough for several collections (the app runs in this process).
      let allocated = 0;
      for (let i = 0; i < 200; i++) allocated += new Array(100_000).fill(i).length;
      expect(allocated).toBe(20_000_000);
      const read = async () => {
        const text = (await t.http().get('/metrics').expect(200)).text;
        return (series: string): number => {
          const line = text.split('\n').find((l) => l.startsWith(`${series} `));
          return line === undefined ? NaN : Number(line.slice(series.length + 1));
        };
      };
      let value = await read();
      // GC entries reach their observer asynchronously.
      for (
        let i = 0;
        i < 50 && !(value('nodejs_gc_duration_seconds_count{kind="minor"}') > 0);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 20));
        value = await read();
      }

      const handled = value('http_request_to_handler_seconds_count');
      expect(handled).toBeGreaterThanOrEqual(5);
      expect(value('http_request_to_handler_seconds_bucket{le="+Inf"}')).toBe(handled);
      expect(value('http_request_to_handler_seconds_sum')).toBeGreaterThan(0);

      expect(value('nodejs_eventloop_delay_seconds_count')).toBeGreaterThan(0);
      const p50 = value('nodejs_eventloop_delay_seconds{quantile="0.5"}');
      const p99 = value('nodejs_eventloop_delay_seconds{quantile="0.99"}');
      const p999 = value('nodejs_eventloop_delay_seconds{quantile="0.999"}');
      const max = value('nodejs_eventloop_delay_max_seconds');
      expect(p50).toBeGreaterThanOrEqual(0);
      expect(p99).toBeGreaterThanOrEqual(p50);
      expect(p999).toBeGreaterThanOrEqual(p99);
      expect(max).toBeGreaterThanOrEqual(p999);
      expect(value('nodejs_eventloop_delay_seconds_sum')).toBeGreaterThanOrEqual(0);
      // prom-client's own figures since the previous scrape stay beside ours.
      expect(value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);

      expect(value('nodejs_gc_duration_seconds_count{kind="minor"}')).toBeGreaterThan(0);
      expect(value('nodejs_gc_duration_seconds_sum{kind="minor"}')).toBeGreaterThan(0);
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
