import { FlowCompileError } from '../flow-compile-error';
import { Conversation, texts } from '../testing/engine-test-kit';
import { conditionAction } from './condition.action';

const flow = (vars: Record<string, unknown>, action: Record<string, unknown>) => ({
  start: 's',
  variables: vars,
  states: {
    s: { actions: [action, { type: 'SEND_MESSAGE', message: 'rest of s' }] },
    yes: { message: 'yes' },
    no: { message: 'no' },
  },
});

describe('conditionAction', () => {
  it.each([
    [{ tier: 'gold' }, 'yes'],
    [{ tier: 'silver' }, 'no'],
  ])('should route %j at once to %s', async (vars, target) => {
    const result = await new Conversation(
      flow(vars, {
        type: 'CONDITION',
        if: { var: 'tier', op: 'eq', value: 'gold' },
        then: 'yes',
        else: 'no',
      }),
    ).start();
    expect(texts(result)).toEqual([target]);
    expect(result.trace).toContainEqual(
      expect.objectContaining({
        type: 'action',
        action: 'CONDITION',
        outcome: target === 'yes' ? 'then' : 'else',
      }),
    );
  });

  it('should carry on with the state when the taken branch is missing', async () => {
    const result = await new Conversation(
      flow(
        { tier: 'silver' },
        { type: 'CONDITION', if: { var: 'tier', op: 'eq', value: 'gold' }, then: 'yes' },
      ),
    ).start();
    expect(texts(result)).toEqual(['rest of s']);
  });

  it('should declare its targets and refuse a condition with no branch', () => {
    expect(
      conditionAction.compile({ if: { var: 'a', op: 'exists' }, then: 'x', else: 'y' }, 'p')
        .targets,
    ).toEqual([
      { state: 'x', path: 'p.then' },
      { state: 'y', path: 'p.else' },
    ]);
    expect(() => conditionAction.compile({ if: { var: 'a', op: 'exists' } }, 'p')).toThrow(
      FlowCompileError,
    );
  });
});
