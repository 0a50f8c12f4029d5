import type { ActionHandler } from './action-handler';

/**
 * `HANDOFF`: the conversation waits for a human agent (HANDOFF_PENDING). The rest of the state
 * is skipped and the bot stays silent until the conversation is released via the API.
 */
export const handoffAction: ActionHandler = {
  type: 'HANDOFF',
  compile(definition) {
    const reason = typeof definition.reason === 'string' ? definition.reason : undefined;
    return {
      type: 'HANDOFF',
      targets: [],
      run(turn, _ports, index) {
        turn.status = 'handoff';
        turn.record({
          type: 'action',
          state: turn.state ?? '',
          action: 'HANDOFF',
          index,
          outcome: 'handoff',
          ...(reason ? { detail: { reason } } : {}),
        });
        turn.record({ type: 'handoff', state: turn.state ?? '' });
        return { kind: 'halt' };
      },
    };
  },
};
