import { compileFlow } from '../compile/compile-flow';
import { compileTemplate } from '../templates/compile-template';
import { TEST_CONTEXT } from '../testing/engine-test-kit';
import { TurnContext } from './turn-context';

const flow = compileFlow({ start: 's', states: { s: {} } });

describe('TurnContext', () => {
  it('should rebuild the template scope after a write, and only then', () => {
    const turn = new TurnContext(flow, TEST_CONTEXT, { a: 1 }, 's', 0, 'active');
    const scope = turn.scope;
    expect(turn.scope).toBe(scope);
    turn.setVariable('a', 2);
    expect(turn.scope).not.toBe(scope);
    expect(compileTemplate('{{a}}/{{variables.a}}').render(turn.scope)).toBe('2/2');
  });

  it('should merge variables without prototype keys', () => {
    const turn = new TurnContext(flow, TEST_CONTEXT, {}, 's', 0, 'active');
    turn.mergeVariables(
      JSON.parse('{"x": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>,
    );
    expect(turn.variables).toEqual({ x: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should trace sent messages and template errors', () => {
    const turn = new TurnContext(flow, TEST_CONTEXT, {}, 's', 0, 'active');
    turn.sendText(compileTemplate('{{#each}}{{/each}}'));
    expect(turn.messages).toEqual([{ type: 'text', text: '' }]);
    expect(turn.trace.map((e) => e.type)).toEqual(['template_error', 'message_sent']);
  });
});
