import { sendHop, type Hop, type HopLimits } from './send-hop';
import { SsrfGuard } from './ssrf-guard';
import { LoopbackServer } from './test-support/loopback-server';
import { SilentServer } from './test-support/silent-server';

describe('sendHop', () => {
  const guard = new SsrfGuard({
    allowHosts: ['127.0.0.1'],
    lookup: () => Promise.reject(new Error('no DNS in this test')),
  });
  const deps = { guard, now: Date.now };
  const limits: HopLimits = { connectMs: 500, readMs: 500, maxResponseBytes: 1024 };
  const hop = (url: string, overrides: Partial<Hop> = {}): Hop => ({
    method: 'GET',
    url: new URL(url),
    headers: {},
    ...overrides,
  });
  let server: LoopbackServer;

  beforeEach(async () => {
    server = await LoopbackServer.start(async (req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
      } else if (req.url === '/slow') {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        res.end();
      } else {
        res.end('body');
      }
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('should return the response with its body', async () => {
    const result = await sendHop(hop(server.url('/')), limits, deps);
    expect(result).toMatchObject({ kind: 'response', status: 200, truncated: false });
    expect(result.kind === 'response' && result.data.toString()).toBe('body');
  });

  it('should hand a redirect back instead of following it', async () => {
    const result = await sendHop(hop(server.url('/redirect')), limits, deps);
    expect(result).toEqual(
      expect.objectContaining({ kind: 'redirect', status: 302, location: '/elsewhere' }),
    );
    expect(server.requests).toHaveLength(1);
  });

  it('should mark a read timeout as after sending', async () => {
    const result = await sendHop(hop(server.url('/slow')), { ...limits, readMs: 50 }, deps);
    expect(result).toEqual({ kind: 'error', code: 'timeout', beforeSend: false });
  });

  it('should mark a connect timeout as before sending', async () => {
    const silent = await SilentServer.start();
    const result = await sendHop(
      hop(`https://127.0.0.1:${silent.port}/`),
      { ...limits, connectMs: 50 },
      deps,
    );
    await silent.close();
    expect(result).toEqual({ kind: 'error', code: 'timeout', beforeSend: true });
  });

  it('should refuse a blocked address before connecting', async () => {
    const result = await sendHop(hop('http://127.0.0.2:9/'), limits, deps);
    expect(result).toEqual({
      kind: 'error',
      code: 'blocked_address',
      beforeSend: true,
      cause: 'loopback',
    });
  });
});
