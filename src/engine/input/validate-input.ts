import type { GenericMessage } from '../generic-message';
import type { InputType } from '../normalise/normalised-flow';
import type { ChoiceOption, CompiledInput } from './compiled-input';
import { normaliseReply } from './normalise-reply';
import { parseDate } from './parse-date';
import { parseNumber } from './parse-number';
import { parsePhone } from './parse-phone';
import { parseTime } from './parse-time';

export type InputRejection =
  | 'not_text'
  | 'empty'
  | 'pattern'
  | 'min_length'
  | 'max_length'
  | 'not_number'
  | 'not_integer'
  | 'min'
  | 'max'
  | 'email'
  | 'phone'
  | 'date'
  | 'time'
  | 'choice';

export type InputOutcome = { ok: true; value: unknown } | { ok: false; reason: InputRejection };

/** Error text used when the flow gives no `error_message`. */
export const DEFAULT_INPUT_ERRORS: Readonly<Record<InputType, string>> = {
  text: "That doesn't look right. Please try again.",
  number: 'Please reply with a number.',
  integer: 'Please reply with a whole number.',
  email: 'Please reply with a valid email address.',
  phone: 'Please reply with a valid phone number.',
  date: 'Please reply with a date, like 22/11/2026.',
  time: 'Please reply with a time, like 14:30.',
  choice: 'Please choose one of the options.',
  any: "That doesn't look right. Please try again.",
};

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The text of a reply, or undefined for media and locations. */
export function replyText(message: GenericMessage): string | undefined {
  return message.type === 'text' || message.type === 'button' ? message.text : undefined;
}

/**
 * Validates one reply against a state's `input` (flow-format.md › Input) and returns the
 * value to save: trimmed text, a number, E.164 phone, ISO date, `HH:MM` time, the chosen
 * option's id, or — for `any` — the text, or the whole inbound message for media/location.
 * `min`/`max` bound numbers, and (as ISO text) dates and times.
 */
export function validateInput(
  input: CompiledInput,
  message: GenericMessage,
  choices: readonly ChoiceOption[],
): InputOutcome {
  const raw = replyText(message);
  if (input.type === 'any') {
    if (raw === undefined) return { ok: true, value: { ...message } };
    return checkText(input, raw.trim()) ?? { ok: true, value: raw.trim() };
  }
  if (raw === undefined) return { ok: false, reason: 'not_text' };
  const text = raw.trim();
  if (input.type === 'choice') return matchChoice(message, text, choices);
  if (text === '') return { ok: false, reason: 'empty' };
  const textProblem = checkText(input, text);
  if (textProblem) return textProblem;
  switch (input.type) {
    case 'text':
      return { ok: true, value: text };
    case 'number':
    case 'integer': {
      const n = parseNumber(text);
      if (n === undefined) return { ok: false, reason: 'not_number' };
      if (input.type === 'integer' && !Number.isInteger(n))
        return { ok: false, reason: 'not_integer' };
      return checkBounds(input, n, Number(input.min), Number(input.max));
    }
    case 'email':
      return EMAIL.test(text) ? { ok: true, value: text } : { ok: false, reason: 'email' };
    case 'phone': {
      const phone = parsePhone(text, input.defaultCountry);
      return phone === undefined ? { ok: false, reason: 'phone' } : { ok: true, value: phone };
    }
    case 'date': {
      const date = parseDate(text);
      return date === undefined
        ? { ok: false, reason: 'date' }
        : checkBounds(input, date, input.min, input.max);
    }
    case 'time': {
      const time = parseTime(text);
      return time === undefined
        ? { ok: false, reason: 'time' }
        : checkBounds(input, time, input.min, input.max);
    }
  }
}

function checkText(input: CompiledInput, text: string): InputOutcome | undefined {
  if (input.pattern && !input.pattern.test(text)) return { ok: false, reason: 'pattern' };
  if (input.minLength !== undefined || input.maxLength !== undefined) {
    const length = [...text].length;
    if (input.minLength !== undefined && length < input.minLength)
      return { ok: false, reason: 'min_length' };
    if (input.maxLength !== undefined && length > input.maxLength)
      return { ok: false, reason: 'max_length' };
  }
  return undefined;
}

function checkBounds<T extends number | string>(
  input: CompiledInput,
  value: T,
  min: unknown,
  max: unknown,
): InputOutcome {
  if (
    input.min !== undefined &&
    typeof min === typeof value &&
    !Number.isNaN(min) &&
    value < (min as T)
  )
    return { ok: false, reason: 'min' };
  if (
    input.max !== undefined &&
    typeof max === typeof value &&
    !Number.isNaN(max) &&
    value > (max as T)
  )
    return { ok: false, reason: 'max' };
  return { ok: true, value };
}

function matchChoice(
  message: GenericMessage,
  text: string,
  choices: readonly ChoiceOption[],
): InputOutcome {
  if (message.type === 'button') {
    const pressed = choices.find((c) => c.id === message.button_id);
    if (pressed) return { ok: true, value: pressed.id };
  }
  const typed = normaliseReply(text);
  if (typed !== '') {
    const found = choices.find(
      (c) => normaliseReply(c.id) === typed || normaliseReply(c.title) === typed,
    );
    if (found) return { ok: true, value: found.id };
  }
  return { ok: false, reason: 'choice' };
}
