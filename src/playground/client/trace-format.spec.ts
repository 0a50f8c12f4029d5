import type { TraceEvent } from '../../engine/runner/trace-event';
import { describeTraceEvent, formatTraceTurn } from './trace-format';

describe('formatTraceTurn', () => {
  it('reads a first turn: session start, states entered and why', () => {
    const events: TraceEvent[] = [
      { type: 'session_started', start: 'menu' },
      { type: 'transition', from: null, to: 'menu', reason: 'start' },
      { type: 'state_entered', state: 'menu' },
      { type: 'message_sent', state: 'menu', message_type: 'buttons' },
    ];
    const turn = formatTraceTurn({ id: 't1', created_at: null, duration_ms: 3.25, events });
    expect(turn).toEqual({
      id: 't1',
      durationMs: 3.25,
      states: ['menu'],
      lines: [
        { kind: 'session_started', text: 'session started at "menu"', tone: 'info' },
        { kind: 'transition', text: '(new session) → "menu": session start', tone: 'info' },
        { kind: 'state_entered', text: 'entered "menu"', tone: 'ok' },
        { kind: 'message_sent', text: 'sent a buttons message', tone: 'info' },
      ],
    });
  });

  it('lists the states entered in order, through an API call', () => {
    const turn = formatTraceTurn({
      id: 't2',
      created_at: '2026-01-01T00:00:00.000Z',
      duration_ms: 150,
      events: [
        { type: 'transition', from: 'menu', to: 'fetch', reason: 'button' },
        { type: 'state_entered', state: 'fetch' },
        {
          type: 'api_call',
          state: 'fetch',
          index: 0,
          method: 'GET',
          integration: 'shop',
          path: '/orders/1',
          status: 'success',
          status_code: 200,
          duration_ms: 140.4,
          attempts: 1,
          route: 'show',
        },
        { type: 'transition', from: 'fetch', to: 'show', reason: 'action' },
        { type: 'state_entered', state: 'show' },
      ],
    });
    expect(turn.states).toEqual(['fetch', 'show']);
    expect(turn.lines.map((l) => l.text)).toEqual([
      '"menu" → "fetch": button / option chosen',
      'entered "fetch"',
      'API_CALL GET shop/orders/1 → success 200 in 140 ms; route → "show"',
      '"fetch" → "show": routed by an action',
      'entered "show"',
    ]);
    expect(turn.lines[2].tone).toBe('ok');
  });

  it('copes with a turn without events', () => {
    expect(
      formatTraceTurn({ id: 'x', created_at: null, duration_ms: 0, events: null as never }),
    ).toMatchObject({
      lines: [],
      states: [],
    });
  });
});

describe('describeTraceEvent', () => {
  it.each<[TraceEvent, string, string]>([
    [
      {
        type: 'api_call',
        state: 's',
        index: 0,
        method: 'POST',
        url: 'https://api.example.com/x',
        status: 'exception',
        duration_ms: 3000,
        attempts: 3,
        error: 'timeout',
        route: 'sorry',
      },
      'API_CALL POST https://api.example.com/x → exception in 3000 ms (3 attempts): timeout; route → "sorry"',
      'error',
    ],
    [
      {
        type: 'api_call',
        state: 's',
        index: 0,
        method: 'POST',
        integration: 'analytics',
        path: '/e',
        status: 'deferred',
      },
      'API_CALL POST analytics/e → deferred',
      'info',
    ],
    [
      {
        type: 'api_call',
        state: 's',
        index: 1,
        method: 'GET',
        url: 'https://a/b',
        status: 'error',
        status_code: 404,
        duration_ms: 12,
        error: 'HTTP 404',
      },
      'API_CALL GET https://a/b → error 404 in 12 ms: HTTP 404',
      'error',
    ],
    [
      {
        type: 'input_invalid',
        state: 'ask',
        input_type: 'integer',
        reason: 'not_a_number',
        retries: 2,
      },
      'reply refused by the integer input of "ask" (not_a_number); attempt 2',
      'warn',
    ],
    [{ type: 'input_saved', state: 'ask', save_to: 'age' }, 'reply saved to "age"', 'ok'],
    [
      { type: 'fallback', state: 'menu', reason: 'no_match' },
      'fallback message: no transition matched the reply',
      'warn',
    ],
    [
      { type: 'loop_guard', state: 'a', limit: 25 },
      'stopped after 25 states in one turn (loop guard)',
      'error',
    ],
    [
      { type: 'template_error', state: 'a', template: '{{x', error: 'Parse error' },
      'template error in "a": Parse error',
      'error',
    ],
    [
      { type: 'action', state: 'a', action: 'CONDITION', index: 0, outcome: 'else' },
      'CONDITION #1 in "a": else',
      'info',
    ],
    [
      { type: 'transition', from: 'a', to: 'b', reason: 'keyword', rule: 'hours' },
      '"a" → "b": keyword matched (hours)',
      'info',
    ],
    [
      { type: 'transition', from: 'a', to: 'b', reason: 'api_default' },
      '"a" → "b": API call had no route: default transition',
      'info',
    ],
    [{ type: 'handoff', state: 'help' }, 'handed off to a person in "help"', 'info'],
    [{ type: 'closed', state: 'bye' }, 'session closed at "bye"', 'info'],
    [
      { type: 'ignored', reason: 'handoff' },
      'message ignored: the conversation is with a person',
      'warn',
    ],
  ])('%j', (event, text, tone) => {
    expect(describeTraceEvent(event)).toEqual({ kind: event.type, text, tone });
  });

  it("reads the conversation layer's first entry of a turn", () => {
    expect(describeTraceEvent({ type: 'session_start', message_type: null })).toEqual({
      kind: 'session_start',
      text: 'new session',
      tone: 'info',
    });
    expect(describeTraceEvent({ type: 'message_received', message_type: 'button' })).toEqual({
      kind: 'message_received',
      text: 'the user sent a button message',
      tone: 'info',
    });
  });

  it('shows an event type it does not know as it comes', () => {
    expect(describeTraceEvent({ type: 'new_thing', a: 1 })).toEqual({
      kind: 'new_thing',
      text: '{"type":"new_thing","a":1}',
      tone: 'info',
    });
    expect(describeTraceEvent(null).kind).toBe('unknown');
  });
});
