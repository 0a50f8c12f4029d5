import { FlowCompileError } from '../flow-compile-error';
import { Conversation } from '../testing/engine-test-kit';
import { setVariablesAction } from './set-variables.action';

describe('setVariablesAction', () => {
  it('should set typed values, nested paths and the variables. prefix', async () => {
    const result = await new Conversation({
      start: 's',
      variables: { price: 10, qty: '2', tags: ['a'] },
      states: {
        s: {
          actions: [
            {
              type: 'SET_VARIABLES',
              set: {
                n: '{{price}}',
                copy: '{{tags}}',
                text: '{{price}} TZS',
                'variables.flag': true,
                'cart.qty': '{{qty}}',
                none: '{{missing}}',
              },
            },
          ],
        },
      },
    }).start();
    expect(result.session.variables).toMatchObject({
      n: 10,
      copy: ['a'],
      text: '10 TZS',
      flag: true,
      cart: { qty: '2' },
      none: '',
    });
  });

  it('should refuse prototype keys and a missing set', () => {
    expect(() =>
      setVariablesAction.compile({ set: JSON.parse('{"__proto__.x": 1}') as unknown }, 'p'),
    ).toThrow(FlowCompileError);
    expect(() => setVariablesAction.compile({ set: { 'a.constructor': 1 } }, 'p')).toThrow(
      FlowCompileError,
    );
    expect(() => setVariablesAction.compile({}, 'p')).toThrow(FlowCompileError);
  });
});
