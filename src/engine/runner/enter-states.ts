import { FLOW_LIMITS } from '../limits/flow-limits';
import type { CompiledState } from '../compile/compiled-flow';
import type { TurnContext } from './turn-context';
import type { TransitionReason } from './trace-event';
import type { EnginePorts } from './turn-types';

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => value instanceof Promise;

/**
 * Enters `target` and keeps going while states move on by themselves (flow-format.md › State):
 * send the messages, run the actions (one may route at once, skipping the rest of the state),
 * then close on `end`, follow an `always` rule, follow the default transition when an API_CALL
 * found no route, or stop and wait for the user. More than `max_auto_steps` states in one turn
 * stops the turn with the fallback message (loop guard).
 */
export async function enterStates(
  turn: TurnContext,
  target: string,
  reason: TransitionReason,
  ports: EnginePorts,
): Promise<void> {
  const limit = Math.min(turn.flow.settings.max_auto_steps, FLOW_LIMITS.maxAutoSteps);
  let next: string | undefined = target;
  let why: TransitionReason = reason;
  let entered = 0;
  while (next !== undefined) {
    const state = turn.flow.states.get(next);
    if (state === undefined) {
      // compileFlow checks every static target; this only guards against a bad session.
      turn.record({ type: 'fallback', state: turn.state, reason: 'unknown_state' });
      turn.sendText(turn.flow.fallbackMessage);
      return;
    }
    if (entered >= limit) {
      turn.record({ type: 'loop_guard', state: turn.state, limit });
      turn.record({ type: 'fallback', state: turn.state, reason: 'loop_guard' });
      turn.sendText(turn.flow.fallbackMessage);
      return;
    }
    entered++;
    turn.record({ type: 'transition', from: turn.state, to: state.name, reason: why });
    turn.state = state.name;
    turn.retries = 0;
    turn.record({ type: 'state_entered', state: state.name });
    const step = await runState(turn, state, ports);
    if (step.kind === 'stop') return;
    next = step.to;
    why = step.reason;
  }
}

type StateStep = { kind: 'stop' } | { kind: 'move'; to: string; reason: TransitionReason };

async function runState(
  turn: TurnContext,
  state: CompiledState,
  ports: EnginePorts,
): Promise<StateStep> {
  turn.sendRendered(state.messages);
  let followDefault = false;
  for (let i = 0; i < state.actions.length; i++) {
    const pending = state.actions[i].run(turn, ports, i);
    const outcome = isPromise(pending) ? await pending : pending;
    switch (outcome.kind) {
      case 'continue':
        break;
      case 'continue_then_default':
        followDefault = true;
        break;
      case 'route':
        return { kind: 'move', to: outcome.to, reason: 'action' };
      case 'halt':
        return { kind: 'stop' };
    }
  }
  if (state.end) {
    turn.status = 'closed';
    turn.record({ type: 'closed', state: state.name });
    return { kind: 'stop' };
  }
  for (const rule of state.alwaysRules) {
    if (rule.when === undefined || rule.when(turn.variables))
      return { kind: 'move', to: rule.to, reason: 'always' };
  }
  if (followDefault && state.defaultTarget !== undefined)
    return { kind: 'move', to: state.defaultTarget, reason: 'api_default' };
  return { kind: 'stop' };
}
