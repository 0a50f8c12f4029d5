import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from './is-record';
import type { TransitionRule } from './normalised-flow';

/**
 * Both spellings of transitions, as one ordered rule list (flow-format.md › Transitions).
 * Map form: each key is a `button` rule, `default` becomes a bare rule placed last, `always`
 * an always-rule. List form: kept in order; a rule with only `to` is a default.
 */
export function normaliseTransitions(raw: unknown, path: string): TransitionRule[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.map((rule, i) => normaliseRule(rule, `${path}[${i}]`));
  if (!isRecord(raw))
    throw new FlowCompileError(
      'invalid_definition',
      'transitions must be a map or a list of rules',
      path,
    );
  const rules: TransitionRule[] = [];
  let fallback: TransitionRule | undefined;
  for (const [key, target] of Object.entries(raw)) {
    const rulePath = `${path}.${key}`;
    const to = targetOf(target, rulePath);
    if (key === 'default') fallback = { to, always: false, path: rulePath };
    else if (key === 'always') rules.push({ to, always: true, path: rulePath });
    else rules.push({ to, button: key, always: false, path: rulePath });
  }
  if (fallback) rules.push(fallback);
  return rules;
}

function targetOf(target: unknown, path: string): string {
  if (typeof target === 'string' && target !== '') return target;
  // `{"faq": {"to": "faq_menu"}}` is accepted as well.
  if (isRecord(target) && typeof target.to === 'string' && target.to !== '') return target.to;
  throw new FlowCompileError(
    'invalid_definition',
    'a transition target must be a state name',
    path,
  );
}

function normaliseRule(rule: unknown, path: string): TransitionRule {
  if (!isRecord(rule))
    throw new FlowCompileError('invalid_definition', 'a transition rule must be an object', path);
  if (typeof rule.to !== 'string' || rule.to === '') {
    throw new FlowCompileError('invalid_definition', 'a transition rule needs "to"', `${path}.to`);
  }
  const out: TransitionRule = { to: rule.to, always: rule.always === true, path: `${path}.to` };
  if (rule.button !== undefined) {
    if (typeof rule.button !== 'string')
      throw new FlowCompileError(
        'invalid_definition',
        '"button" must be a string',
        `${path}.button`,
      );
    out.button = rule.button;
  }
  if (rule.keywords !== undefined) {
    const keywords = typeof rule.keywords === 'string' ? [rule.keywords] : rule.keywords;
    if (!Array.isArray(keywords) || !keywords.every((k) => typeof k === 'string')) {
      throw new FlowCompileError(
        'invalid_definition',
        '"keywords" must be a list of strings',
        `${path}.keywords`,
      );
    }
    out.keywords = keywords;
  }
  if (rule.regex !== undefined) {
    if (typeof rule.regex !== 'string')
      throw new FlowCompileError('invalid_regex', '"regex" must be a string', `${path}.regex`);
    out.regex = rule.regex;
  }
  if (rule.when !== undefined) out.when = rule.when;
  return out;
}
