import { compileSafeRegex, type SafeRegex } from '../regex/safe-regex';
import { FlowCompileError } from '../flow-compile-error';
import type { InputDefinition } from '../normalise/normalised-flow';
import { compileTemplate } from '../templates/compile-template';
import { parsePath } from '../templates/read-path';
import type { CompiledInput } from './compiled-input';

export function compileInput(input: InputDefinition): CompiledInput {
  let pattern: SafeRegex | undefined;
  if (input.pattern !== undefined) {
    try {
      pattern = compileSafeRegex(input.pattern);
    } catch (error) {
      throw new FlowCompileError(
        'invalid_regex',
        `invalid pattern: ${(error as Error).message}`,
        `${input.path}.pattern`,
      );
    }
  }
  if (input.save_to !== undefined && parsePath(input.save_to) === null) {
    throw new FlowCompileError(
      'invalid_input',
      `"${input.save_to}" cannot be written`,
      `${input.path}.save_to`,
    );
  }
  return {
    type: input.type,
    saveTo: input.save_to,
    pattern,
    minLength: input.min_length,
    maxLength: input.max_length,
    min: input.min,
    max: input.max,
    errorMessage:
      input.error_message === undefined
        ? undefined
        : compileTemplate(input.error_message, 'text', `${input.path}.error_message`),
    maxRetries: input.max_retries,
    onMaxRetries: input.on_max_retries,
    defaultCountry: input.default_country,
  };
}
