import { ApiError, PlaygroundApi } from './api-client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records calls and answers from a queue of [status, body]. */
function fakeFetch(answers: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const impl = async (url: string, init?: RequestInit): Promise<Response> => {
    calls.push({
      url,
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const [status, body] = answers.shift() ?? [500, { detail: 'no answer queued' }];
    return new Response(
      body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
      {
        status,
        statusText: status === 401 ? 'Unauthorized' : '',
      },
    );
  };
  return { calls, impl };
}

describe('PlaygroundApi', () => {
  it('sends the key as a bearer token and follows list pages', async () => {
    const { calls, impl } = fakeFetch([
      [200, { items: [{ id: 'A', name: 'one' }], total: 2, next_cursor: 'QQ' }],
      [200, { items: [{ id: 'B', name: 'two' }], total: 2, next_cursor: null }],
    ]);
    const api = new PlaygroundApi('sk_test', impl);
    expect(await api.chatbots()).toEqual([
      { id: 'A', name: 'one' },
      { id: 'B', name: 'two' },
    ]);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/dev/v1/chatbots?limit=200',
      '/api/dev/v1/chatbots?limit=200&cursor=QQ',
    ]);
    expect(calls[0].headers.Authorization).toBe('Bearer sk_test');
    expect(calls[0].headers['Content-Type']).toBeUndefined();
  });

  it('saves and validates as {flow}, and posts chat messages with button ids', async () => {
    const { calls, impl } = fakeFetch([
      [200, { id: 'F' }],
      [200, { valid: true, errors: [], warnings: [] }],
      [201, { session_id: 'S', messages: [], current_state: 'menu' }],
      [200, { session_id: 'S', messages: [], current_state: 'b' }],
      [200, { session_id: 'S', messages: [], current_state: 'b' }],
    ]);
    const api = new PlaygroundApi('k', impl);
    const def = { start: 'a', states: { a: { end: true } } };
    await api.save('B', 'F', def);
    await api.validate('B', 'F', def);
    expect((await api.preview('B', 'F')).session_id).toBe('S');
    await api.send('B', 'S', 'Balance', 'bal');
    await api.send('B', 'S', 'hello');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PATCH /api/dev/v1/chatbots/B/flows/F',
      'POST /api/dev/v1/chatbots/B/flows/F/validate',
      'POST /api/dev/v1/chatbots/B/flows/F/preview-sessions',
      'POST /api/dev/v1/chatbots/B/chat/sessions/S/messages',
      'POST /api/dev/v1/chatbots/B/chat/sessions/S/messages',
    ]);
    expect(calls.map((c) => c.body)).toEqual([
      { flow: def },
      { flow: def },
      {},
      { message: 'Balance', button_id: 'bal' },
      { message: 'hello' },
    ]);
    expect(calls[0].headers['Content-Type']).toBe('application/json');
  });

  it('rejects with the detail and field errors of a refused request', async () => {
    const errors = [
      { path: 'states.a.transitions.x', message: 'Transition target "b" is not a state.' },
    ];
    const { impl } = fakeFetch([[422, { detail: 'The flow has validation errors.', errors }]]);
    const err = await new PlaygroundApi('k', impl).publish('B', 'F').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, detail: 'The flow has validation errors.', errors });
  });

  it('says what it can when the answer is not the usual error shape', async () => {
    const { impl } = fakeFetch([[401, '']]);
    await expect(new PlaygroundApi('bad', impl).chatbots()).rejects.toMatchObject({
      status: 401,
      detail: '401 Unauthorized',
      errors: [],
    });
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const api = new PlaygroundApi('k', () => Promise.reject(new Error('connection refused')));
    await expect(api.flows('B')).rejects.toMatchObject({
      status: 0,
      detail: 'The server could not be reached (connection refused).',
    });
  });

  it('encodes ids in paths', async () => {
    const { calls, impl } = fakeFetch([[200, { items: [], total: 0, next_cursor: null }]]);
    await new PlaygroundApi('k', impl).trace('B/../x', 'S?');
    expect(calls[0].url).toBe('/api/dev/v1/chatbots/B%2F..%2Fx/conversations/S%3F/trace?limit=200');
  });
});
