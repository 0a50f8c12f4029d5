import { shortenText } from '../normalise/shorten-text';
import { compileTemplate } from '../templates/compile-template';
import type { ActionHandler } from './action-handler';

/** The longest reason kept: what `POST …/handoff` takes (agent-reply.dto.ts). */
export const MAX_HANDOFF_REASON = 500;

/**
 * `HANDOFF`: the conversation waits for a human agent (HANDOFF_PENDING). The rest of the state
 * is skipped and the bot stays silent until the conversation is released via the API.
 * `reason` is a template, rendered with the turn's variables (and its render budget) for the
 * trace and the `handoff.requested` event; one that renders empty is no reason.
 */
export const handoffAction: ActionHandler = {
  type: 'HANDOFF',
  compile(definition, path) {
    const template =
      typeof definition.reason === 'string'
        ? compileTemplate(definition.reason, 'text', `${path}.reason`)
        : undefined;
    return {
      type: 'HANDOFF',
      targets: [],
      run(turn, _ports, index) {
        const reason = template
          ? shortenText(template.render(turn.scope), MAX_HANDOFF_REASON)
          : undefined;
        turn.status = 'handoff';
        if (reason) turn.handoffReason = reason;
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
