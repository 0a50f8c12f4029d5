import type { ApiCallRequest, ApiCallResult } from '../ports';
import { Conversation, FakeHttp, fakePorts, texts } from '../testing/engine-test-kit';

/** A flow whose `call` state runs one API_CALL, with every route state announcing itself. */
function apiFlow(
  action: Record<string, unknown>,
  state: Record<string, unknown> = {},
  variables: Record<string, unknown> = {},
) {
  const announce = (name: string) => ({ message: name });
  return {
    start: 'call',
    variables,
    states: {
      call: {
        message: 'Looking…',
        actions: [{ type: 'API_CALL', integration: 'backend', ...action }],
        ...state,
      },
      ok: announce('ok'),
      failed: announce('failed'),
      not_found: announce('not_found'),
      client_error: announce('client_error'),
      slow: announce('slow'),
      offline: announce('offline'),
      next: announce('next'),
      from_backend: announce('from_backend {{account.amount}}'),
    },
  };
}

async function run(
  action: Record<string, unknown>,
  answer: (r: ApiCallRequest) => Partial<ApiCallResult>,
  state: Record<string, unknown> = {},
  variables: Record<string, unknown> = {},
) {
  const http = new FakeHttp(answer);
  const conversation = new Conversation(
    apiFlow(action, state, variables),
    fakePorts(http, 1_800_000_000_000),
  );
  const result = await conversation.start();
  return { http, result, vars: result.session.variables };
}

const routes = { success_transition: 'ok', failure_transition: 'failed' };

describe('apiCallAction', () => {
  it('should render the request with defaults and URL-encoded path and query values', async () => {
    const { http } = await run(
      {
        path: '/orders/{{order_id}}/{{variables.profile.orders[0].id}}',
        query: { q: '{{search}}', lang: 'sw' },
        headers: { 'X-Tenant': '{{tenant}}' },
      },
      () => ({ status_code: 200, body: {} }),
      {},
      {
        order_id: '../admin',
        search: 'a/b?x=1&y=2',
        tenant: 'acme',
        profile: { orders: [{ id: 'O 1' }] },
      },
    );
    expect(http.requests).toHaveLength(1);
    const { request, options } = http.requests[0];
    expect(request).toMatchObject({
      integration: 'backend',
      path: '/orders/..%2Fadmin/O%201',
      method: 'GET',
      query: { q: 'a%2Fb%3Fx%3D1%26y%3D2', lang: 'sw' },
      headers: { 'X-Tenant': 'acme' },
      body_type: 'json',
      auto_body: true,
      include_raw: false,
      context: {
        user_id: '255700000001',
        chatbot_id: 'bot_1',
        session_id: 'sess_1',
        channel: 'api',
        state: 'call',
      },
      message: { type: 'text', text: '' },
    });
    expect(request.url).toBeUndefined();
    expect(request.variables).toMatchObject({ order_id: '../admin', tenant: 'acme' });
    expect(options.deadline).toBe(1_800_000_000_000);
  });

  it('should render a body keeping JSON types and pass the options through', async () => {
    const { http } = await run(
      {
        method: 'post',
        body: { amount: '{{amount}}', note: 'Pay {{amount}}', nested: { who: '{{contact_name}}' } },
        body_type: 'form',
        auto_body: false,
        timeout_ms: 2000,
        retry: { max_attempts: 1 },
        include_raw: true,
      },
      () => ({ status_code: 201, body: {} }),
      {},
      { amount: 500, contact_name: 'Zoë' },
    );
    expect(http.requests[0].request).toMatchObject({
      method: 'POST',
      body: { amount: 500, note: 'Pay 500', nested: { who: 'Zoë' } },
      body_type: 'form',
      auto_body: false,
      timeout_ms: 2000,
      retry: { max_attempts: 1 },
      include_raw: true,
      context: { user_name: 'Zoë' },
    });
  });

  it('should encode values in a legacy url but keep a url that is one whole expression', async () => {
    const encoded = await run(
      { integration: undefined, url: 'https://api.example.com/u/{{id}}' },
      () => ({ status_code: 200 }),
      {},
      { id: 'a/b' },
    );
    expect(encoded.http.requests[0].request.url).toBe('https://api.example.com/u/a%2Fb');
    const whole = await run(
      { integration: undefined, url: '{{hook}}' },
      () => ({ status_code: 200 }),
      {},
      { hook: 'https://hooks.example.com/x?y=1' },
    );
    expect(whole.http.requests[0].request.url).toBe('https://hooks.example.com/x?y=1');
  });

  it('should save the body and the meta envelope, by default under response', async () => {
    const { vars } = await run({}, () => ({
      status_code: 200,
      body: { status: 'in_transit' },
      headers: { 'content-type': 'application/json' },
      duration_ms: 12,
      attempts: 2,
    }));
    expect(vars.response).toEqual({ status: 'in_transit' });
    expect(vars.response_meta).toEqual({
      status: 'success',
      status_code: 200,
      headers: { 'content-type': 'application/json' },
      timestamp: '2026-04-02T12:00:00.000Z',
      duration_ms: 12,
      attempts: 2,
    });
  });

  it.each([
    [{ status_code: 200, body: {} }, 'ok', 'success', undefined],
    [
      { status_code: 404, body: { detail: 'nope' }, error: 'HTTP 404' },
      'not_found',
      'error',
      'HTTP 404',
    ],
    [{ status_code: 422, error: 'HTTP 422' }, 'client_error', 'error', 'HTTP 422'],
    [{ status_code: 503, error: 'HTTP 503' }, 'failed', 'failure', 'HTTP 503'],
    [{ status_code: 0, error: 'timed out', error_code: 'timeout' }, 'slow', 'exception', 'timeout'],
    [
      { status_code: 0, error: 'deadline', error_code: 'deadline_exceeded' },
      'slow',
      'exception',
      'deadline_exceeded',
    ],
    [
      { status_code: 0, error: 'refused', error_code: 'network_error' },
      'offline',
      'exception',
      'network_error',
    ],
    [
      { status_code: 0, error: 'blocked', error_code: 'blocked_address' },
      'failed',
      'exception',
      'blocked_address',
    ],
    [
      { status_code: 200, error: 'too big', error_code: 'response_too_large' },
      'failed',
      'exception',
      'response_too_large',
    ],
  ] as Array<[Partial<ApiCallResult>, string, string, string | undefined]>)(
    'should route %j to %s',
    async (answer, target, status, error) => {
      const { result, vars } = await run(
        {
          save_to: 'order',
          ...routes,
          status_transitions: {
            '404': 'not_found',
            '4XX': 'client_error',
            timeout: 'slow',
            network_error: 'offline',
          },
        },
        () => answer,
      );
      expect(result.session.state).toBe(target);
      expect(texts(result)).toEqual(['Looking…', target]);
      expect(vars.order_meta).toMatchObject({ status, status_code: answer.status_code });
      expect((vars.order_meta as Record<string, unknown>).error).toBe(error);
    },
  );

  it('should keep the parsed error body on failure', async () => {
    const { vars } = await run({ save_to: 'order', ...routes }, () => ({
      status_code: 404,
      body: { detail: 'Order not found' },
      error: 'HTTP 404',
    }));
    expect(vars.order).toEqual({ detail: 'Order not found' });
  });

  it('should follow the default transition after the remaining actions when no route matches', async () => {
    const { result } = await run(
      { save_to: 'order', success_transition: 'ok' },
      () => ({ status_code: 500, body: 'oops' }),
      {
        actions: [
          { type: 'API_CALL', integration: 'b', save_to: 'order', success_transition: 'ok' },
          { type: 'SEND_MESSAGE', message: 'Status {{order_meta.status_code}}' },
        ],
        transitions: { default: 'next' },
      },
    );
    expect(texts(result)).toEqual(['Looking…', 'Status 500', 'next']);
    expect(result.trace).toContainEqual({
      type: 'transition',
      from: 'call',
      to: 'next',
      reason: 'api_default',
    });
  });

  it('should wait when there is neither a route nor a default', async () => {
    const { result } = await run({}, () => ({ status_code: 200, body: { a: 1 } }), {
      transitions: { yes: 'ok' },
    });
    expect(result.session.state).toBe('call');
    expect(texts(result)).toEqual(['Looking…']);
  });

  it('should refuse a header with CR/LF: no call, failure route, error invalid_header', async () => {
    const { http, result, vars } = await run(
      { headers: { 'X-Name': '{{name}}' }, ...routes },
      () => ({ status_code: 200 }),
      {},
      { name: 'a\r\nX-Evil: 1' },
    );
    expect(http.requests).toHaveLength(0);
    expect(result.session.state).toBe('failed');
    expect(vars.response_meta).toMatchObject({
      status: 'exception',
      status_code: 0,
      error: 'invalid_header',
    });
  });

  it('should queue fire-and-forget calls without waiting, saving or routing', async () => {
    const { http, result, vars } = await run(
      { fire_and_forget: true, method: 'POST', body: { event: 'done' }, ...routes },
      () => ({ status_code: 200 }),
      { transitions: { yes: 'ok' } },
    );
    expect(http.requests).toHaveLength(0);
    expect(result.deferredCalls).toHaveLength(1);
    expect(result.deferredCalls[0]).toMatchObject({
      method: 'POST',
      body: { event: 'done' },
      integration: 'backend',
    });
    expect(vars.response).toBeUndefined();
    expect(result.session.state).toBe('call');
    expect(result.trace).toContainEqual(
      expect.objectContaining({ type: 'api_call', status: 'deferred' }),
    );
  });

  it('should apply response directives: variables, session namespace, messages, next_state', async () => {
    const { result, vars } = await run({ directives: true, ...routes }, () => ({
      status_code: 200,
      body: {
        variables: JSON.parse('{"tier": "gold", "__proto__": {"polluted": true}}') as Record<
          string,
          unknown
        >,
        session: { namespace: 'account', data: { amount: 450 } },
        messages: [
          { type: 'text', text: 'Transfer done' },
          'not a message',
          { type: 'bogus' },
          { type: 'buttons', text: 'Pick', buttons: 'none' },
          { type: 'button', text: 'inbound only', button_id: 'x' },
          { type: 'image', media_caption: 'no file' },
          { type: 'buttons', text: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
        ],
        next_state: 'from_backend',
      },
    }));
    expect(vars.tier).toBe('gold');
    expect(vars.account).toEqual({ amount: 450 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Only messages the bot can send go out; the rest are dropped.
    expect(texts(result)).toEqual(['Looking…', 'Transfer done', 'Pick', 'from_backend 450']);
    expect(result.session.state).toBe('from_backend');
  });

  it('should accept action.nextDialogstate', async () => {
    const { result } = await run({ directives: true, ...routes }, () => ({
      status_code: 200,
      body: { action: { nextDialogstate: 'next' } },
    }));
    expect(result.session.state).toBe('next');
  });

  it('should treat an unknown next_state as a failure', async () => {
    const { result, vars } = await run({ directives: true, ...routes }, () => ({
      status_code: 200,
      body: { next_state: 'nowhere' },
    }));
    expect(result.session.state).toBe('failed');
    expect(vars.response_meta).toMatchObject({ error: 'unknown_state' });
  });

  it('should ignore directives unless asked', async () => {
    const { result, vars } = await run(routes, () => ({
      status_code: 200,
      body: { variables: { tier: 'gold' }, next_state: 'next' },
    }));
    expect(vars.tier).toBeUndefined();
    expect(result.session.state).toBe('ok');
  });

  it('should keep raw text only with include_raw', async () => {
    const withRaw = await run({ include_raw: true }, () => ({
      status_code: 200,
      body: 'hi',
      raw: 'hi',
    }));
    expect(withRaw.vars.response_meta).toMatchObject({ raw: 'hi' });
    const without = await run({}, () => ({ status_code: 200, body: 'hi', raw: 'hi' }));
    expect(without.vars.response_meta).not.toHaveProperty('raw');
  });

  it('should turn a throwing port into a network failure', async () => {
    const throwing = {
      call: (): Promise<ApiCallResult> => Promise.reject(new Error('socket hang up')),
    };
    const conversation = new Conversation(apiFlow({ ...routes }), fakePorts(throwing));
    const result = await conversation.start();
    expect(result.session.state).toBe('failed');
    expect(result.session.variables.response_meta).toMatchObject({
      status: 'exception',
      error: 'network_error',
    });
  });

  it('should trace the call without header values or query strings', async () => {
    const { result } = await run(
      {
        integration: undefined,
        url: 'https://api.example.com/x?key=s3cret',
        headers: { Authorization: 'Bearer s3cret' },
        ...routes,
      },
      () => ({
        status_code: 200,
        duration_ms: 7,
        attempts: 1,
        trace: { attempts: [{ status: 200 }] },
      }),
    );
    const event = result.trace.find((e) => e.type === 'api_call');
    expect(event).toEqual({
      type: 'api_call',
      state: 'call',
      index: 0,
      method: 'GET',
      url: 'https://api.example.com/x',
      status: 'success',
      status_code: 200,
      duration_ms: 7,
      attempts: 1,
      route: 'ok',
      detail: { attempts: [{ status: 200 }] },
    });
    expect(JSON.stringify(result.trace)).not.toContain('s3cret');
  });

  it('should send the user message and a variables snapshot', async () => {
    const http = new FakeHttp(() => ({ status_code: 200, body: {} }));
    const conversation = new Conversation(
      {
        start: 'ask',
        states: {
          ask: { input: { save_to: 'q' }, transitions: { default: 'call' } },
          call: { actions: [{ type: 'API_CALL', url: 'https://x.example/a', method: 'POST' }] },
        },
      },
      fakePorts(http),
    );
    await conversation.start();
    await conversation.send('where is my order?');
    const request = http.requests[0].request;
    expect(request.message).toEqual({ type: 'text', text: 'where is my order?' });
    expect(request.variables).toMatchObject({ q: 'where is my order?' });
    expect(conversation.variables.response).toEqual({});
    expect(request.variables).not.toHaveProperty('response');
  });
});
