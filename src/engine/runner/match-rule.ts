import type { CompiledRule } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import type { ChoiceOption } from '../input/compiled-input';
import { normaliseReply } from '../input/normalise-reply';
import { replyText } from '../input/validate-input';
import type { TransitionReason } from './trace-event';

/** A user's reply, prepared once for matching against many rules. */
export interface PreparedReply {
  message: GenericMessage;
  /** Trimmed text ('' for media and locations). */
  text: string;
  /** Case-, accent- and space-normalised text. */
  normalised: string;
  buttonId?: string;
}

export function prepareReply(message: GenericMessage): PreparedReply {
  const text = (replyText(message) ?? '').trim();
  return {
    message,
    text,
    normalised: normaliseReply(text),
    ...(message.type === 'button' ? { buttonId: message.button_id } : {}),
  };
}

/**
 * Whether `rule` matches the reply; the reason for the trace when it does. Every criterion a
 * rule has must hold (a rule with `keywords` and `when` needs both); a rule with none is a default.
 * `choices` renders the state's buttons and rows lazily, for typed titles.
 */
export function matchRule(
  rule: CompiledRule,
  reply: PreparedReply,
  variables: Record<string, unknown>,
  choices: () => readonly ChoiceOption[],
): TransitionReason | undefined {
  if (rule.isDefault) return 'default';
  let reason: TransitionReason | undefined;
  if (rule.button !== undefined) {
    if (!matchesButton(rule.button, reply, choices)) return undefined;
    reason = 'button';
  }
  if (rule.keywords !== undefined) {
    if (reply.normalised === '' || !rule.keywords.has(reply.normalised)) return undefined;
    reason ??= 'keyword';
  }
  if (rule.regex !== undefined) {
    if (!rule.regex.test(reply.text)) return undefined;
    reason ??= 'regex';
  }
  if (rule.when !== undefined) {
    if (!rule.when(variables)) return undefined;
    reason ??= 'when';
  }
  return reason;
}

function matchesButton(
  button: NonNullable<CompiledRule['button']>,
  reply: PreparedReply,
  choices: () => readonly ChoiceOption[],
): boolean {
  if (reply.buttonId !== undefined && reply.buttonId === button.id) return true;
  if (reply.normalised === '') return false;
  if (reply.normalised === button.normalisedId) return true;
  return choices().some(
    (choice) => choice.id === button.id && normaliseReply(choice.title) === reply.normalised,
  );
}
