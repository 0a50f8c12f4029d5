import { FlowCompileError } from '../flow-compile-error';
import { ACTION_HANDLERS, compileAction } from './action-registry';

describe('compileAction', () => {
  it('should register one handler per documented type', () => {
    expect([...ACTION_HANDLERS.keys()].sort()).toEqual([
      'API_CALL',
      'CONDITION',
      'HANDOFF',
      'SEND_MESSAGE',
      'SET_VARIABLES',
    ]);
  });

  it('should pick the handler by type', () => {
    expect(
      compileAction({ type: 'HANDOFF', definition: { type: 'HANDOFF' }, path: 'p' }).type,
    ).toBe('HANDOFF');
  });

  it.each([
    ['LLM_AGENT', 'unsupported_action'],
    ['WEBHOOK', 'unknown_action'],
  ])('should refuse %s as %s', (type, code) => {
    expect(() =>
      compileAction({ type, definition: { type }, path: 'states.a.actions[0]' }),
    ).toThrow(
      expect.objectContaining({ code, path: 'states.a.actions[0].type' }) as FlowCompileError,
    );
  });
});
