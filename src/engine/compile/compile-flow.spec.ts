import { FlowCompileError } from '../flow-compile-error';
import { compileFlow } from './compile-flow';

const minimal = (
  states: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({ start: 'start', states, ...extra });

describe('compileFlow', () => {
  it('should compile states, rules and choices once', () => {
    const flow = compileFlow(
      minimal({
        start: {
          message: 'Pick',
          buttons: [{ id: 'a', title: 'Alpha' }],
          transitions: [
            { button: 'a', to: 'a' },
            { always: true, when: { var: 'x', op: 'exists' }, to: 'a' },
            { to: 'start' },
          ],
        },
        a: { message: 'A', end: true },
      }),
    );
    const start = flow.states.get('start');
    expect(start?.replyRules.map((r) => r.to)).toEqual(['a', 'start']);
    expect(start?.alwaysRules.map((r) => r.to)).toEqual(['a']);
    expect(start?.defaultTarget).toBe('start');
    expect(start?.choices).toHaveLength(1);
    expect(flow.settings.max_auto_steps).toBe(25);
    expect(Object.isFrozen(flow)).toBe(true);
  });

  it('should copy the initial variables so the definition can change afterwards', () => {
    const definition = minimal({ start: {} }, { variables: { list: [1] } });
    const flow = compileFlow(definition);
    (definition.variables as { list: number[] }).list.push(2);
    expect(flow.initialVariables).toEqual({ list: [1] });
  });

  it.each([
    [
      'an unknown transition target',
      minimal({ start: { transitions: { default: 'nowhere' } } }),
      'unknown_state',
      'states.start.transitions.default',
    ],
    [
      'an unknown list target',
      minimal({ start: { transitions: [{ to: 'start' }, { to: 'gone' }] } }),
      'unknown_state',
      'states.start.transitions[1].to',
    ],
    [
      'an unknown global target',
      minimal({ start: {} }, { global_transitions: [{ keywords: ['x'], to: 'gone' }] }),
      'unknown_state',
      'global_transitions[0].to',
    ],
    [
      'an unknown action target',
      minimal({
        start: { actions: [{ type: 'CONDITION', if: { var: 'a', op: 'exists' }, then: 'gone' }] },
      }),
      'unknown_state',
      'states.start.actions[0].then',
    ],
    [
      'an unknown on_max_retries',
      minimal({ start: { input: { on_max_retries: 'gone' } } }),
      'unknown_state',
      'states.start.input.on_max_retries',
    ],
    [
      'an invalid regex',
      minimal({ start: { transitions: [{ regex: '([', to: 'start' }] } }),
      'invalid_regex',
      'states.start.transitions[0].regex',
    ],
    [
      'an invalid input pattern',
      minimal({ start: { input: { pattern: '([' } } }),
      'invalid_regex',
      'states.start.input.pattern',
    ],
    [
      'a template that does not compile',
      minimal({ start: { message: 'Hi {{#if x}}' } }),
      'invalid_template',
      'states.start.message[0].text',
    ],
    [
      'a button title template that does not compile',
      minimal({ start: { message: 'Pick', buttons: [{ id: 'a', title: '{{oops x}}' }] } }),
      'invalid_template',
      'states.start.message[0].buttons[0].title',
    ],
    [
      'an unknown action type',
      minimal({ start: { actions: [{ type: 'SEND_SMS' }] } }),
      'unknown_action',
      'states.start.actions[0].type',
    ],
    [
      'LLM_AGENT (reserved)',
      minimal({ start: { actions: [{ type: 'LLM_AGENT', prompt: 'x' }] } }),
      'unsupported_action',
      'states.start.actions[0].type',
    ],
    [
      'an API_CALL with both integration and url',
      minimal({ start: { actions: [{ type: 'API_CALL', integration: 'b', url: 'https://x' }] } }),
      'invalid_action',
      'states.start.actions[0]',
    ],
    [
      'an API_CALL with neither integration nor url',
      minimal({ start: { actions: [{ type: 'API_CALL', path: '/x' }] } }),
      'invalid_action',
      'states.start.actions[0]',
    ],
    [
      'a bad fallback message',
      minimal({ start: {} }, { settings: { fallback_message: '{{' } }),
      'invalid_template',
      'settings.fallback_message',
    ],
  ])('should refuse %s', (_label, definition, code, path) => {
    let caught: unknown;
    try {
      compileFlow(definition);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlowCompileError);
    expect(caught).toMatchObject({ code, path });
  });
});
