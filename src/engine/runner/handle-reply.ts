import type { CompiledRule, CompiledState } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import type { ChoiceOption } from '../input/compiled-input';
import { DEFAULT_INPUT_ERRORS, validateInput } from '../input/validate-input';
import { enterStates } from './enter-states';
import { matchRule, prepareReply, type PreparedReply } from './match-rule';
import type { TurnContext } from './turn-context';
import type { TransitionReason } from './trace-event';
import type { EnginePorts } from './turn-types';

/**
 * Handles a user's message in a waiting state (flow-format.md): global transitions first,
 * then input validation and `save_to`, then the state's rules in order. A reply that fails
 * validation gets `error_message`; one that matches nothing gets the fallback message; both
 * count toward `max_retries`, after which the session goes to `on_max_retries`.
 */
export async function handleReply(
  turn: TurnContext,
  message: GenericMessage,
  ports: EnginePorts,
): Promise<void> {
  const state = turn.currentState();
  if (state === undefined) {
    // The session's state is not in this flow (should not happen: sessions pin a version).
    turn.record({ type: 'fallback', state: turn.state, reason: 'unknown_state' });
    await enterStates(turn, turn.flow.start, 'start', ports);
    return;
  }
  const reply = prepareReply(message);
  let rendered: ChoiceOption[] | undefined;
  const choices = (): ChoiceOption[] =>
    (rendered ??= state.choices.map((c) => ({
      id: c.id.render(turn.scope),
      title: c.title.render(turn.scope),
    })));

  const global = firstMatch(turn.flow.globalRules, reply, turn, choices);
  if (global) {
    await enterStates(turn, global.rule.to, 'global', ports);
    return;
  }

  if (state.input) {
    const outcome = validateInput(
      state.input,
      message,
      state.input.type === 'choice' ? choices() : [],
    );
    if (!outcome.ok) {
      turn.retries++;
      turn.record({
        type: 'input_invalid',
        state: state.name,
        input_type: state.input.type,
        reason: outcome.reason,
        retries: turn.retries,
      });
      if (await giveUpIfExhausted(turn, state, ports)) return;
      if (state.input.errorMessage) turn.sendText(state.input.errorMessage);
      else turn.send({ type: 'text', text: DEFAULT_INPUT_ERRORS[state.input.type] });
      return;
    }
    if (state.input.saveTo !== undefined) {
      turn.setVariable(state.input.saveTo, outcome.value);
      turn.record({ type: 'input_saved', state: state.name, save_to: state.input.saveTo });
    }
  }

  const local = firstMatch(state.replyRules, reply, turn, choices);
  if (local) {
    await enterStates(turn, local.rule.to, local.reason, ports);
    return;
  }

  turn.retries++;
  if (await giveUpIfExhausted(turn, state, ports)) return;
  turn.record({ type: 'fallback', state: state.name, reason: 'no_match' });
  turn.sendText(turn.flow.fallbackMessage);
}

function firstMatch(
  rules: readonly CompiledRule[],
  reply: PreparedReply,
  turn: TurnContext,
  choices: () => readonly ChoiceOption[],
): { rule: CompiledRule; reason: TransitionReason } | undefined {
  for (const rule of rules) {
    const reason = matchRule(rule, reply, turn.variables, choices);
    if (reason !== undefined) return { rule, reason };
  }
  return undefined;
}

/**
 * After `max_retries` failed replies: go to `on_max_retries` when the state has one; otherwise
 * send the fallback message, start counting again and keep waiting.
 */
async function giveUpIfExhausted(
  turn: TurnContext,
  state: CompiledState,
  ports: EnginePorts,
): Promise<boolean> {
  const max = state.input?.maxRetries ?? turn.flow.settings.max_input_retries;
  if (turn.retries < max) return false;
  const target = state.input?.onMaxRetries;
  if (target !== undefined) {
    await enterStates(turn, target, 'max_retries', ports);
    return true;
  }
  turn.record({ type: 'fallback', state: state.name, reason: 'max_retries' });
  turn.retries = 0;
  turn.sendText(turn.flow.fallbackMessage);
  return true;
}
