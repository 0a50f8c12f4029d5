import { CONDITION_OPERATORS } from '../conditions/condition';
import { checkRegex } from './check-regex';
import { checkVariablePath } from './check-variable-path';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';

const NO_VALUE_OPS = new Set<string>(['exists', 'empty']);
const LEAF_FIELDS = ['var', 'op', 'value'];
const COMBINATORS = ['all', 'any', 'not'];

/**
 * Checks a `when` / CONDITION `if` condition: a leaf `{var, op, value}` or a combination
 * `{all: [...]}`, `{any: [...]}`, `{not: {...}}`. Records the variables it reads.
 */
export function checkCondition(value: unknown, path: string, ctx: ScanContext): void {
  if (!isRecord(value)) {
    ctx.issues.error(
      path,
      `A condition must be an object like {"var", "op", "value"}, not ${show(value)}.`,
    );
    return;
  }
  const combinators = COMBINATORS.filter((key) => key in value);
  const hasLeafField = LEAF_FIELDS.some((key) => key in value);
  if (combinators.length > 1 || (combinators.length === 1 && hasLeafField)) {
    const keys = Object.keys(value).filter(
      (key) => COMBINATORS.includes(key) || LEAF_FIELDS.includes(key),
    );
    ctx.issues.error(
      path,
      `A condition is one of {"all": [...]}, {"any": [...]}, {"not": {...}} or {"var", "op", "value"}; this one mixes ${keys.map((k) => `"${k}"`).join(', ')}.`,
    );
    return;
  }
  if (combinators.length === 1) {
    checkCombinator(value, combinators[0], path, ctx);
    return;
  }
  checkLeaf(value, path, ctx);
}

function checkCombinator(value: JsonObject, key: string, path: string, ctx: ScanContext): void {
  const inner = value[key];
  const innerPath = childPath(path, key);
  warnExtraKeys(value, [key], path, ctx);
  if (key === 'not') {
    if (!isRecord(inner)) {
      ctx.issues.error(innerPath, `"not" needs one condition object, not ${show(inner)}.`);
      return;
    }
    checkCondition(inner, innerPath, ctx);
    return;
  }
  if (!Array.isArray(inner)) {
    ctx.issues.error(innerPath, `"${key}" needs a list of conditions, not ${show(inner)}.`);
    return;
  }
  if (inner.length === 0) {
    ctx.issues.warn(
      innerPath,
      `"${key}" has an empty list of conditions; it is always ${key === 'all' ? 'true' : 'false'}.`,
    );
  }
  inner.forEach((item, index) => checkCondition(item, childPath(innerPath, index), ctx));
}

function checkLeaf(value: JsonObject, path: string, ctx: ScanContext): void {
  warnExtraKeys(value, LEAF_FIELDS, path, ctx);
  const varPath = childPath(path, 'var');
  const root = checkVariablePath(value.var, varPath, 'The condition variable', ctx.issues);
  if (root !== null)
    ctx.facts.reads.push({ root, path: varPath, fromTemplate: false, bucket: ctx.issues.bucket });
  const op = value.op ?? 'eq';
  const opPath = childPath(path, 'op');
  if (typeof op !== 'string' || !(CONDITION_OPERATORS as readonly string[]).includes(op)) {
    ctx.issues.error(
      opPath,
      `Unknown condition op ${show(op)}; use one of ${CONDITION_OPERATORS.join(' ')}.`,
    );
    return;
  }
  const valuePath = childPath(path, 'value');
  const hasValue = 'value' in value;
  if (NO_VALUE_OPS.has(op)) {
    if (hasValue && typeof value.value !== 'boolean') {
      ctx.issues.error(
        valuePath,
        `"${op}" takes no "value" (or true/false to negate it), not ${show(value.value)}.`,
      );
    }
    return;
  }
  if (!hasValue) {
    ctx.issues.error(valuePath, `The "${op}" condition on ${show(value.var)} needs a "value".`);
    return;
  }
  if (op === 'matches') checkRegex(value.value, valuePath, ctx.issues);
  if (op === 'in' && !Array.isArray(value.value)) {
    ctx.issues.warn(
      valuePath,
      `"in" expects a list of values; the single value ${show(value.value)} works like "eq".`,
    );
  }
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && !isComparable(value.value)) {
    ctx.issues.error(
      valuePath,
      `"${op}" compares numbers or dates; ${show(value.value)} is neither.`,
    );
  }
}

function isComparable(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string';
}

function warnExtraKeys(value: JsonObject, allowed: string[], path: string, ctx: ScanContext): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      ctx.issues.warn(childPath(path, key), `Unknown field "${key}" in a condition is ignored.`);
  }
}
