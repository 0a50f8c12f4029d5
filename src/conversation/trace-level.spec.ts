import { traceHasError } from './trace-level';

describe('traceHasError', () => {
  const plain = [
    { type: 'message_received', message_type: 'text' },
    { type: 'transition', from: 'ask', to: 'call', reason: 'default' },
    { type: 'state_entered', state: 'call' },
    { type: 'input_invalid', state: 'ask', input_type: 'integer', reason: 'nan', retries: 1 },
    { type: 'action', state: 'call', index: 1, action: 'SET_VARIABLES', outcome: 'set' },
    { type: 'message_sent', state: 'call', message_type: 'text' },
    { type: 'handoff', state: 'call' },
    { type: 'closed', state: 'call' },
  ];

  it('should find no error in a turn that went as planned', () => {
    expect(traceHasError([])).toBe(false);
    expect(traceHasError(plain)).toBe(false);
  });

  it.each([
    [{ type: 'engine_error', error: 'boom' }],
    [{ type: 'template_error', state: 'ask', template: 'message', error: 'bad' }],
    [{ type: 'loop_guard', state: 'ask', limit: 50 }],
    [{ type: 'fallback', state: 'ask', reason: 'no_match' }],
  ])('should count %j as an error', (event) => {
    expect(traceHasError([...plain, event])).toBe(true);
    expect(traceHasError([event, ...plain])).toBe(true);
  });

  const apiCall = (status: string) => ({
    type: 'api_call',
    state: 'call',
    index: 0,
    method: 'POST',
    url: 'http://127.0.0.1/echo',
    status,
    status_code: 500,
  });

  it.each(['error', 'failure', 'exception'])(
    'should count an api_call with status %s as an error',
    (status) => {
      expect(traceHasError([...plain, apiCall(status)])).toBe(true);
    },
  );

  it.each(['success', 'deferred', undefined])(
    'should not count an api_call with status %s',
    (status) => {
      expect(traceHasError([...plain, { ...apiCall('success'), status }])).toBe(false);
    },
  );

  it('should ignore what is not an event', () => {
    expect(
      traceHasError([null, 'engine_error', ['fallback'], 42, { status: 'error' }, { type: 7 }]),
    ).toBe(false);
  });
});
