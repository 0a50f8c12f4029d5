import { decodeTrace, encodeTrace } from './trace-codec';

describe('trace codec', () => {
  const turn = [
    { type: 'message_received', message_type: 'text' },
    { type: 'input_saved', state: 'menu', save_to: 'n' },
    { type: 'transition', from: 'menu', to: 'big', reason: 'when' },
    { type: 'state_entered', state: 'big' },
    { type: 'transition', from: null, to: 'menu', reason: 'start', rule: 'r1' },
    { type: 'state_entered', state: 'menu' },
    { type: 'transition', from: 'menu', to: 'x', reason: 'when' },
    { type: 'state_entered', state: 'big' },
    { type: 'message_sent', state: 'big', message_type: 'text' },
    {
      type: 'action',
      state: 'big',
      index: 0,
      action: 'SET_VARIABLES',
      outcome: 'set',
      detail: { names: ['last'] },
    },
    { type: 'input_invalid', state: 'menu', input_type: 'integer', reason: 'nan', retries: 2 },
    { type: 'session_start', message_type: null },
  ];

  it('should give back every event it stored, extra keys included', () => {
    const stored: unknown = JSON.parse(encodeTrace(turn));
    expect(decodeTrace(stored)).toEqual(turn);
  });

  it('should store the common events as short arrays, under half the text', () => {
    const text = encodeTrace(turn);
    expect(JSON.parse(text)).toEqual(
      expect.arrayContaining([
        ['T', 'menu', 'big', 'when'],
        ['e', 'big'],
      ]),
    );
    expect(text.length * 2).toBeLessThan(JSON.stringify(turn).length);
  });

  it('should keep other events, and events missing a key, as the objects they are', () => {
    const other = [
      { type: 'api_call', state: 's', index: 0, method: 'GET', status: 'success' },
      { type: 'state_entered' },
      { type: 'engine_error', error: 'boom' },
    ];
    expect(JSON.parse(encodeTrace(other))).toEqual(other);
    expect(decodeTrace(JSON.parse(encodeTrace(other)))).toEqual(other);
  });

  it('should read rows written before the compact form, and leave what it does not know', () => {
    const old = [{ type: 'state_entered', state: 'a' }, ['?', 1], 'x'];
    expect(decodeTrace(old)).toEqual(old);
    expect(decodeTrace(null)).toEqual([]);
  });

  it('should drop keys whose value is undefined, as JSON always did', () => {
    const e = { type: 'transition', from: 'a', to: 'b', reason: 'when', rule: undefined };
    expect(decodeTrace(JSON.parse(encodeTrace([e])))).toEqual([
      { type: 'transition', from: 'a', to: 'b', reason: 'when' },
    ]);
  });
});
