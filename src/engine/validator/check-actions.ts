import { checkApiCall } from './check-api-call';
import { checkConditionAction } from './check-condition-action';
import { checkHandoff } from './check-handoff';
import { checkSendMessage } from './check-send-message';
import { checkSetVariables } from './check-set-variables';
import { childPath, show } from './json-path';
import { isRecord } from './json-guards';
import type { MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';

export const ACTION_TYPES = [
  'API_CALL',
  'SEND_MESSAGE',
  'SET_VARIABLES',
  'CONDITION',
  'HANDOFF',
] as const;

/** Checks a state's `actions` list, each by its `type`. Returns the options SEND_MESSAGEs offer. */
export function checkActions(value: unknown, path: string, ctx: ScanContext): MessageSummary[] {
  const summaries: MessageSummary[] = [];
  // A single action object is accepted as a list of one (its path is then `actions` itself).
  const list: unknown[] = Array.isArray(value) ? value : isRecord(value) ? [value] : [];
  if (!Array.isArray(value) && !isRecord(value)) {
    ctx.issues.error(path, `"actions" must be a list of actions, not ${show(value)}.`);
  }
  list.forEach((action, index) => {
    const actionPath = Array.isArray(value) ? childPath(path, index) : path;
    if (!isRecord(action)) {
      ctx.issues.error(
        actionPath,
        `An action must be an object with a "type", not ${show(action)}.`,
      );
      return;
    }
    const type = action.type;
    const typePath = childPath(actionPath, 'type');
    switch (type) {
      case 'API_CALL': {
        const fact = checkApiCall(action, actionPath, ctx, index);
        if (ctx.state) {
          ctx.state.apiCalls.push(fact);
          if (!fact.fireAndForget && fact.hasSuccessRoute && fact.hasFailureRoute)
            ctx.state.alwaysRoutesAway = true;
        }
        return;
      }
      case 'SEND_MESSAGE': {
        const summary = checkSendMessage(action, actionPath, ctx);
        if (summary) summaries.push(summary);
        return;
      }
      case 'SET_VARIABLES':
        checkSetVariables(action, actionPath, ctx, index);
        return;
      case 'CONDITION':
        if (checkConditionAction(action, actionPath, ctx) && ctx.state)
          ctx.state.alwaysRoutesAway = true;
        return;
      case 'HANDOFF':
        checkHandoff(action, actionPath, ctx);
        if (ctx.state) ctx.state.hasHandoff = true;
        return;
      case 'LLM_AGENT':
        ctx.issues.error(typePath, 'Action type "LLM_AGENT" is not supported by this server.');
        return;
      default:
        ctx.issues.error(
          typePath,
          type === undefined
            ? `An action needs a "type"; use one of ${ACTION_TYPES.join(' ')}.`
            : `Unknown action type ${show(type)}; use one of ${ACTION_TYPES.join(' ')}.`,
        );
    }
  });
  return summaries;
}
