import { isRecord } from '../../normalise/is-record';
import { isSendableMessage } from '../../normalise/sendable-message';
import type { ActionTurn } from '../action-handler';

export interface DirectivesApplied {
  applied: string[];
  /** The state the response asked for (not yet checked). */
  nextState?: string;
  /** Messages that were not ones the bot can send (isSendableMessage), dropped. */
  dropped: number;
}

/**
 * Applies a backend's response directives (api-call.md › Response directives), in order:
 * `variables` merged (and Sinch's `session: {namespace, data}` stored under the namespace),
 * then `messages` sent, then `next_state` (also `action.nextDialogstate` or `nextDialogstate`)
 * returned for the caller to route to.
 */
export function applyDirectives(
  turn: ActionTurn,
  body: Record<string, unknown>,
): DirectivesApplied {
  const result: DirectivesApplied = { applied: [], dropped: 0 };
  if (isRecord(body.variables)) {
    turn.mergeVariables(body.variables);
    result.applied.push('variables');
  }
  const session = body.session;
  if (isRecord(session) && typeof session.namespace === 'string' && session.namespace !== '') {
    if (turn.setVariable(session.namespace, session.data ?? {})) result.applied.push('session');
  }
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      if (isSendableMessage(message)) turn.send({ ...message });
      else result.dropped++;
    }
    result.applied.push('messages');
  }
  const action = isRecord(body.action) ? body.action : undefined;
  const next = body.next_state ?? action?.nextDialogstate ?? body.nextDialogstate;
  if (typeof next === 'string' && next !== '') {
    result.nextState = next;
    result.applied.push('next_state');
  }
  return result;
}
