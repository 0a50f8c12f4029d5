import { compileSafeRegex } from '../regex/safe-regex';
import { compileCondition } from '../conditions/compile-condition';
import { FlowCompileError } from '../flow-compile-error';
import { normaliseReply } from '../input/normalise-reply';
import type { TransitionRule } from '../normalise/normalised-flow';
import type { CompiledRule } from './compiled-flow';

/** Compiles transition rules: keywords normalised, regexes and conditions compiled once. */
export function compileRule(rule: TransitionRule): CompiledRule {
  const base = rule.path.replace(/\.to$/, '');
  const compiled: CompiledRule = {
    to: rule.to,
    always: rule.always,
    isDefault:
      rule.button === undefined &&
      rule.keywords === undefined &&
      rule.regex === undefined &&
      rule.when === undefined,
    path: rule.path,
  };
  if (rule.button !== undefined)
    compiled.button = { id: rule.button, normalisedId: normaliseReply(rule.button) };
  if (rule.keywords !== undefined) compiled.keywords = new Set(rule.keywords.map(normaliseReply));
  if (rule.regex !== undefined) {
    try {
      compiled.regex = compileSafeRegex(rule.regex);
    } catch (error) {
      throw new FlowCompileError(
        'invalid_regex',
        `invalid regex: ${(error as Error).message}`,
        `${base}.regex`,
      );
    }
  }
  if (rule.when !== undefined) compiled.when = compileCondition(rule.when, `${base}.when`);
  return compiled;
}
