import { ApiError, WidgetApi } from './widget-api';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answers: (() => Response)[]) {
  const calls: Call[] = [];
  const fn = async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next();
  };
  return { calls, fn };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

const SESSION = { session_id: '01SESSION', visitor_token: 'tok-1' };

describe('WidgetApi', () => {
  it('should build every route under /widget/v1/{key} of the gateway', async () => {
    const f = fakeFetch([
      json(200, { title: 'Help', primary_color: '#0b5f6e', position: 'left', start_open: true }),
    ]);
    const api = new WidgetApi('http://127.0.0.1:3000/', 'wk_ABC', f.fn);
    await expect(api.config()).resolves.toMatchObject({ title: 'Help', position: 'left' });
    expect(f.calls[0].url).toBe('http://127.0.0.1:3000/widget/v1/wk_ABC/config');
    expect(f.calls[0].init.method).toBe('GET');
    expect(f.calls[0].init.credentials).toBe('omit');
    expect(api.eventsUrl('01S')).toBe('http://127.0.0.1:3000/widget/v1/wk_ABC/sessions/01S/events');
  });

  it('should create a session with the stored visitor id, or with an empty body', async () => {
    const created = { ...SESSION, visitor_id: 'v_12345678', messages: [], status: 'ACTIVE' };
    const f = fakeFetch([json(201, created), json(201, created)]);
    const api = new WidgetApi('https://gw.test', 'wk_k', f.fn);
    await api.createSession('v_12345678');
    await api.createSession();
    expect(f.calls.map((c) => [c.url, c.init.method, c.init.body])).toEqual([
      ['https://gw.test/widget/v1/wk_k/sessions', 'POST', '{"visitor_id":"v_12345678"}'],
      ['https://gw.test/widget/v1/wk_k/sessions', 'POST', '{}'],
    ]);
    expect((f.calls[0].init.headers as Record<string, string>)['Content-Type']).toBe(
      'application/json',
    );
    expect((f.calls[0].init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('should send messages with the visitor token', async () => {
    const f = fakeFetch([
      json(200, { session_id: '01SESSION', messages: [{ type: 'text', text: 'ok' }] }),
    ]);
    const api = new WidgetApi('https://gw.test', 'wk_k', f.fn);
    const answer = await api.sendMessage(SESSION, { message: 'Alpha', button_id: 'a' });
    expect(answer.messages).toEqual([{ type: 'text', text: 'ok' }]);
    expect(f.calls[0].url).toBe('https://gw.test/widget/v1/wk_k/sessions/01SESSION/messages');
    expect(f.calls[0].init.body).toBe('{"message":"Alpha","button_id":"a"}');
    expect((f.calls[0].init.headers as Record<string, string>).Authorization).toBe('Visitor tok-1');
  });

  it('should read the whole history page by page with ?after=', async () => {
    const item = (i: number) => ({
      id: `m${String(i).padStart(4, '0')}`,
      direction: 'outbound',
      message: { type: 'text', text: `${i}` },
    });
    const first = Array.from({ length: 200 }, (_, i) => item(i));
    const f = fakeFetch([
      json(200, { data: first, status: 'ACTIVE' }),
      json(200, { data: [item(200)], status: 'ACTIVE' }),
    ]);
    const api = new WidgetApi('https://gw.test', 'wk_k', f.fn);
    const h = await api.history(SESSION);
    expect(h.data).toHaveLength(201);
    expect(h.status).toBe('ACTIVE');
    expect(f.calls.map((c) => c.url)).toEqual([
      'https://gw.test/widget/v1/wk_k/sessions/01SESSION/messages',
      'https://gw.test/widget/v1/wk_k/sessions/01SESSION/messages?after=m0199',
    ]);
  });

  it('should follow has_more when the server sends it', async () => {
    const item = (id: string) => ({
      id,
      direction: 'outbound',
      message: { type: 'text', text: id },
    });
    const f = fakeFetch([
      json(200, { data: [item('m1'), item('m2')], has_more: true, status: 'ACTIVE' }),
      json(200, { data: [item('m3')], has_more: false, status: 'HANDOFF_PENDING' }),
    ]);
    const api = new WidgetApi('https://gw.test', 'wk_k', f.fn);
    const h = await api.history(SESSION);
    expect(h.data.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(h.status).toBe('HANDOFF_PENDING');
    expect(f.calls[1].url).toMatch(/\?after=m2$/);
  });

  it('should turn refusals into ApiError with the status and Retry-After, and failures into status 0', async () => {
    const f = fakeFetch([
      json(429, { detail: 'slow down' }, { 'Retry-After': '4' }),
      json(410, { detail: 'gone' }),
    ]);
    const api = new WidgetApi('https://gw.test', 'wk_k', f.fn);
    await expect(api.sendMessage(SESSION, { message: 'x' })).rejects.toEqual(
      new ApiError(429, 4000),
    );
    const gone = await api.sendMessage(SESSION, { message: 'x' }).catch((e: ApiError) => e);
    expect(gone).toMatchObject({ status: 410, retryAfterMs: null });
    const offline = await api.config().catch((e: ApiError) => e);
    expect(offline).toBeInstanceOf(ApiError);
    expect(offline).toMatchObject({ status: 0 });
  });
});
