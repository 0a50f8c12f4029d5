import { FlowCompileError } from '../flow-compile-error';
import { normaliseFlow } from './normalise-flow';
import { DEFAULT_SETTINGS } from './normalised-flow';

describe('normaliseFlow', () => {
  it('should accept states as a map', () => {
    const flow = normaliseFlow({
      start: 'greeting',
      states: {
        greeting: { message: 'Hi', transitions: { default: 'bye' } },
        bye: { message: 'Bye', end: true },
      },
    });
    expect([...flow.states.keys()]).toEqual(['greeting', 'bye']);
    expect(flow.start).toBe('greeting');
    expect(flow.states.get('bye')?.end).toBe(true);
    expect(flow.states.get('greeting')?.path).toBe('states.greeting');
  });

  it('should accept states as a list with names and find the initial one', () => {
    const flow = normaliseFlow({
      states: [
        { name: 'menu', message: 'Menu' },
        { name: 'hello', initial: true, message: ['Hi', 'There'], actions: [{ type: 'HANDOFF' }] },
      ],
    });
    expect(flow.start).toBe('hello');
    expect(flow.states.get('hello')?.messages).toHaveLength(2);
    expect(flow.states.get('hello')?.actions).toEqual([
      { type: 'HANDOFF', definition: { type: 'HANDOFF' }, path: 'states[1].actions[0]' },
    ]);
    expect(flow.states.get('menu')?.path).toBe('states[0]');
  });

  it('should apply settings over the defaults and keep variables', () => {
    const flow = normaliseFlow({
      settings: { fallback_message: 'Huh?', max_auto_steps: 5, max_input_retries: 'x' },
      variables: { currency: 'TZS' },
      global_transitions: [{ keywords: ['menu'], to: 'start' }],
      states: { start: { message: 'Hi' } },
    });
    expect(flow.settings).toEqual({
      ...DEFAULT_SETTINGS,
      fallback_message: 'Huh?',
      max_auto_steps: 5,
    });
    expect(flow.variables).toEqual({ currency: 'TZS' });
    expect(flow.globalTransitions).toEqual([
      { to: 'start', keywords: ['menu'], always: false, path: 'global_transitions[0].to' },
    ]);
  });

  it('should normalise input with text as the default type', () => {
    const flow = normaliseFlow({ states: { start: { input: { save_to: 'name' } } } });
    expect(flow.states.get('start')?.input).toMatchObject({
      type: 'text',
      save_to: 'name',
      path: 'states.start.input',
    });
  });

  it('should let a state be called __proto__ without polluting anything', () => {
    const flow = normaliseFlow(
      JSON.parse('{"start":"__proto__","states":{"__proto__":{"message":"odd"}}}'),
    );
    expect(flow.states.get('__proto__')?.messages).toEqual([{ type: 'text', text: 'odd' }]);
  });

  it.each([
    ['not an object', 'nope', 'invalid_definition'],
    ['no states', { start: 'a' }, 'no_states'],
    ['empty states', { states: {} }, 'no_states'],
    ['a nameless listed state', { states: [{ message: 'x' }] }, 'invalid_definition'],
    ['duplicate names', { states: [{ name: 'start' }, { name: 'start' }] }, 'invalid_definition'],
    ['an unknown start', { start: 'x', states: { a: {} } }, 'no_start'],
    [
      'an unknown input type',
      { states: { start: { input: { type: 'colour' } } } },
      'invalid_input',
    ],
    [
      'an action without type',
      { states: { start: { actions: [{ url: 'x' }] } } },
      'invalid_action',
    ],
  ])('should refuse %s', (_label, definition, code) => {
    expect(() => normaliseFlow(definition)).toThrow(FlowCompileError);
    expect(() => normaliseFlow(definition)).toThrow(expect.objectContaining({ code }) as Error);
  });
});
