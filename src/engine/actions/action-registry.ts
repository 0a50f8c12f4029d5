import { FlowCompileError } from '../flow-compile-error';
import type { ActionDefinition } from '../normalise/normalised-flow';
import type { ActionHandler, CompiledAction } from './action-handler';
import { apiCallAction } from './api-call.action';
import { conditionAction } from './condition.action';
import { handoffAction } from './handoff.action';
import { sendMessageAction } from './send-message.action';
import { setVariablesAction } from './set-variables.action';

/** Every action type the engine runs, keyed by `type`. */
export const ACTION_HANDLERS: ReadonlyMap<string, ActionHandler> = new Map(
  [apiCallAction, sendMessageAction, setVariablesAction, conditionAction, handoffAction].map(
    (handler) => [handler.type, handler],
  ),
);

/** Types that are part of the format but not run by this engine: refused explicitly. */
const RESERVED_TYPES: ReadonlySet<string> = new Set(['LLM_AGENT']);

export function compileAction(action: ActionDefinition): CompiledAction {
  if (RESERVED_TYPES.has(action.type)) {
    throw new FlowCompileError(
      'unsupported_action',
      `action type "${action.type}" is not supported`,
      `${action.path}.type`,
    );
  }
  const handler = ACTION_HANDLERS.get(action.type);
  if (!handler)
    throw new FlowCompileError(
      'unknown_action',
      `unknown action type "${action.type}"`,
      `${action.path}.type`,
    );
  return handler.compile(action.definition, action.path);
}
