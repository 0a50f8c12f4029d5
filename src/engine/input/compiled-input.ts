import type { SafeRegex } from '../regex/safe-regex';
import type { InputType } from '../normalise/normalised-flow';
import type { Template } from '../templates/compile-template';

/** A state's `input` block, compiled once (regex and error message template). */
export interface CompiledInput {
  type: InputType;
  saveTo?: string;
  pattern?: SafeRegex;
  minLength?: number;
  maxLength?: number;
  min?: number | string;
  max?: number | string;
  errorMessage?: Template;
  maxRetries?: number;
  onMaxRetries?: string;
  defaultCountry?: string;
}

/** One selectable option of a state's messages (a button or a list row), rendered. */
export interface ChoiceOption {
  id: string;
  title: string;
}
