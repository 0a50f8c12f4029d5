import { checkCondition } from './check-condition';
import { checkRegex } from './check-regex';
import { checkTarget } from './check-target';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

const RULE_FIELDS = ['to', 'button', 'keywords', 'regex', 'when', 'always'];
const MATCHERS = ['button', 'keywords', 'regex', 'when'];

/** The shape of a transitions block, as the routing analyses need it. */
export interface TransitionsSummary {
  present: boolean;
  /** A `default` key or a rule with only `to`: matches any reply. */
  hasDefault: boolean;
  /** An `always` key or an `always` rule without `when`: moves on without waiting. */
  hasAlways: boolean;
  /** Ids named by `button` rules, with their paths. */
  buttonRefs: Array<{ id: string; path: string }>;
}

/**
 * Checks transitions in either spelling: the map form (`{"faq": "faq_menu", "default": …}`)
 * or the list form (`[{"button": "faq", "to": "faq_menu"}, …]`). `global` changes the
 * wording and warns about rules that make no sense in `global_transitions`.
 */
export function checkTransitions(
  value: unknown,
  path: string,
  ctx: ScanContext,
  global = false,
): TransitionsSummary {
  const summary: TransitionsSummary = {
    present: false,
    hasDefault: false,
    hasAlways: false,
    buttonRefs: [],
  };
  if (value === undefined) return summary;
  const what = global ? 'Global transition target' : 'Transition target';
  if (Array.isArray(value)) {
    summary.present = value.length > 0;
    let catchAllAt: string | null = null;
    value.forEach((rule, index) => {
      const rulePath = childPath(path, index);
      if (catchAllAt !== null && isRecord(rule) && rule.always !== true) {
        ctx.issues.warn(
          rulePath,
          `This transition is never checked: the rule at ${catchAllAt} before it matches every reply.`,
        );
      }
      const kind = checkRule(rule, rulePath, what, ctx, summary, global);
      if (kind === 'default' && catchAllAt === null) catchAllAt = rulePath;
    });
    return summary;
  }
  if (isRecord(value)) {
    summary.present = Object.keys(value).length > 0;
    for (const [key, target] of Object.entries(value)) {
      const keyPath = childPath(path, key);
      // `{"faq": {"to": "faq_menu"}}` is accepted as well as `{"faq": "faq_menu"}`.
      if (isRecord(target)) checkTarget(target.to, childPath(keyPath, 'to'), what, ctx);
      else checkTarget(target, keyPath, what, ctx);
      if (key === 'default') summary.hasDefault = true;
      if (key === 'always') {
        summary.hasAlways = true;
        if (global)
          ctx.issues.warn(
            keyPath,
            '"always" means nothing in global transitions (they are checked on user messages); it is ignored.',
          );
      }
    }
    if (global && summary.hasDefault) warnGlobalCatchAll(childPath(path, 'default'), ctx);
    return summary;
  }
  ctx.issues.error(
    path,
    `Transitions must be a map like {"faq": "faq_menu"} or a list of rules, not ${show(value)}.`,
  );
  return summary;
}

function checkRule(
  rule: unknown,
  path: string,
  what: string,
  ctx: ScanContext,
  summary: TransitionsSummary,
  global: boolean,
): 'default' | 'always' | 'conditional' | 'invalid' {
  if (!isRecord(rule)) {
    ctx.issues.error(
      path,
      `A transition rule must be an object like {"keywords": [...], "to": "state"}, not ${show(rule)}.`,
    );
    return 'invalid';
  }
  if (rule.to === undefined)
    ctx.issues.error(childPath(path, 'to'), 'A transition rule needs "to", the state to go to.');
  else checkTarget(rule.to, childPath(path, 'to'), what, ctx);
  checkMatchers(rule, path, ctx, summary);
  const always = checkAlways(rule, path, ctx);
  warnUnknownFields(rule, RULE_FIELDS, path, 'a transition rule', ctx.issues);
  const hasMatcher = MATCHERS.some((key) => rule[key] !== undefined);
  if (always) {
    if (global)
      ctx.issues.warn(
        childPath(path, 'always'),
        '"always" means nothing in global transitions (they are checked on user messages); it is ignored.',
      );
    if (rule.when === undefined) summary.hasAlways = true;
    return 'always';
  }
  if (!hasMatcher) {
    summary.hasDefault = true;
    if (global) warnGlobalCatchAll(path, ctx);
    return 'default';
  }
  return 'conditional';
}

function checkMatchers(
  rule: JsonObject,
  path: string,
  ctx: ScanContext,
  summary: TransitionsSummary,
): void {
  if (rule.button !== undefined) {
    const buttonPath = childPath(path, 'button');
    if (typeof rule.button === 'string' && rule.button.trim() !== '')
      summary.buttonRefs.push({ id: rule.button, path: buttonPath });
    else
      ctx.issues.error(
        buttonPath,
        `"button" must be a button or list-row id, not ${show(rule.button)}.`,
      );
  }
  if (rule.keywords !== undefined) {
    const keywordsPath = childPath(path, 'keywords');
    // A single keyword may be written as a string.
    const keywords = typeof rule.keywords === 'string' ? [rule.keywords] : rule.keywords;
    if (!Array.isArray(keywords) || keywords.length === 0) {
      ctx.issues.error(
        keywordsPath,
        `"keywords" must be a non-empty list of words, not ${show(keywords)}.`,
      );
    } else {
      keywords.forEach((keyword, index) => {
        if (typeof keyword !== 'string' || keyword.trim() === '') {
          const keywordPath = Array.isArray(rule.keywords)
            ? childPath(keywordsPath, index)
            : keywordsPath;
          ctx.issues.error(
            keywordPath,
            `A keyword must be a non-empty string, not ${show(keyword)}.`,
          );
        }
      });
    }
  }
  if (rule.regex !== undefined) checkRegex(rule.regex, childPath(path, 'regex'), ctx.issues);
  if (rule.when !== undefined) checkCondition(rule.when, childPath(path, 'when'), ctx);
}

function checkAlways(rule: JsonObject, path: string, ctx: ScanContext): boolean {
  if (rule.always === undefined) return false;
  if (typeof rule.always !== 'boolean') {
    ctx.issues.error(
      childPath(path, 'always'),
      `"always" must be true or false, not ${show(rule.always)}.`,
    );
    return false;
  }
  const others = ['button', 'keywords', 'regex'].filter((key) => rule[key] !== undefined);
  if (rule.always && others.length > 0) {
    ctx.issues.warn(
      childPath(path, 'always'),
      `An "always" rule is checked without a reply, so ${others.map((key) => `"${key}"`).join(', ')} can never match; only "when" applies.`,
    );
  }
  return rule.always;
}

function warnGlobalCatchAll(path: string, ctx: ScanContext): void {
  ctx.issues.warn(
    path,
    "This global transition has no condition: it matches every message, so no state's own transitions will ever run.",
  );
}
