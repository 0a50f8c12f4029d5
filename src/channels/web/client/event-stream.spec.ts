import { EventStream, type StreamMessage } from './event-stream';

/** A response whose body yields the given text chunks, then ends (or stays open). */
function sseResponse(chunks: string[], keepOpen = false, signal?: AbortSignal | null): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      if (!keepOpen) controller.close();
      signal?.addEventListener('abort', () => controller.error(new Error('aborted')));
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const ev = (id: string, text: string, responder = 'HUMAN') =>
  `id: ${id}\nevent: message\ndata: ${JSON.stringify({ id, message: { type: 'text', text }, responder })}\n\n`;

describe('EventStream', () => {
  it('should deliver messages, and reconnect with the last event id after the stream ends', async () => {
    const requests: Record<string, string>[] = [];
    const got: StreamMessage[] = [];
    const sleeps: number[] = [];
    let stream: EventStream | undefined = undefined;
    const answers = [
      // split inside an event: the parser must join it
      () =>
        sseResponse([
          ': ping\n\n',
          ev('01A', 'one').slice(0, 20),
          ev('01A', 'one').slice(20),
          ev('01B', 'two'),
        ]),
      () => new Response('busy', { status: 429, headers: { 'Retry-After': '3' } }),
      () => sseResponse([ev('01C', 'three')]),
    ];
    stream = new EventStream({
      url: 'http://gw.test/events',
      token: 'tok',
      lastEventId: '019',
      fetchFn: async (_url, init) => {
        requests.push({ ...(init?.headers as Record<string, string>) });
        const next = answers.shift();
        if (!next) {
          stream!.stop();
          throw new TypeError('stopped');
        }
        return next();
      },
      onMessage: (m) => got.push(m),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
    });
    await stream.start();
    expect(got.map((m) => [m.id, m.responder, m.message])).toEqual([
      ['01A', 'HUMAN', { type: 'text', text: 'one' }],
      ['01B', 'HUMAN', { type: 'text', text: 'two' }],
      ['01C', 'HUMAN', { type: 'text', text: 'three' }],
    ]);
    expect(requests.map((h) => h['Last-Event-ID'])).toEqual(['019', '01B', '01B', '01C']);
    expect(requests.every((h) => h.Authorization === 'Visitor tok')).toBe(true);
    // a healthy stream resets the backoff; a 429 waits its Retry-After
    expect(sleeps).toEqual([1000, 3000, 1000]);
    expect(stream.lastEventId).toBe('01C');
  });

  it('should back off more after each failed connection', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const stream: EventStream = new EventStream({
      url: 'u',
      token: 't',
      fetchFn: async () => {
        if (++n > 4) stream.stop();
        throw new TypeError('Failed to fetch');
      },
      onMessage: () => undefined,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
    });
    await stream.start();
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it('should stop for good when the session is gone', async () => {
    const gone: number[] = [];
    let calls = 0;
    const stream = new EventStream({
      url: 'u',
      token: 't',
      fetchFn: async () => {
        calls++;
        return new Response('{}', { status: 404 });
      },
      onMessage: () => undefined,
      onGone: (s) => gone.push(s),
      sleep: async () => undefined,
    });
    await stream.start();
    expect(calls).toBe(1);
    expect(gone).toEqual([404]);
  });

  it('should skip events of other types and data that is not a message', async () => {
    const got: string[] = [];
    let first = true;
    const stream: EventStream = new EventStream({
      url: 'u',
      token: 't',
      fetchFn: async () => {
        if (!first) {
          stream.stop();
          throw new TypeError('stopped');
        }
        first = false;
        return sseResponse([
          'event: other\ndata: {"id":"x","message":{}}\n\n',
          'data: not json\n\n',
          'event: message\ndata: {"id":5}\n\n',
          ev('01Z', 'ok'),
        ]);
      },
      onMessage: (m) => got.push(m.id),
      sleep: async () => undefined,
    });
    await stream.start();
    expect(got).toEqual(['01Z']);
  });

  it('should drop a silent connection after the idle time and reconnect', async () => {
    let n = 0;
    const stream: EventStream = new EventStream({
      url: 'u',
      token: 't',
      idleMs: 30,
      fetchFn: async (_u, init) => {
        if (++n === 2) {
          stream.stop();
          throw new TypeError('stopped');
        }
        return sseResponse([], true, init?.signal);
      },
      onMessage: () => undefined,
      sleep: async () => undefined,
    });
    const t0 = Date.now();
    await stream.start();
    expect(n).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
