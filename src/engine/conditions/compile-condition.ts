import { compileSafeRegex, type SafeRegex } from '../regex/safe-regex';
import { FlowCompileError } from '../flow-compile-error';
import { parsePath, readSegments } from '../templates/read-path';
import { compareValues, isBlank, looseEquals, toText } from '../templates/template-helpers';
import { CONDITION_OPERATORS, type ConditionFn, type ConditionOperator } from './condition';

const OPERATORS: ReadonlySet<string> = new Set(CONDITION_OPERATORS);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Missing, null, '', [] and {} are empty. */
function isEmptyValue(v: unknown): boolean {
  return isBlank(v) || (isObject(v) && Object.keys(v).length === 0);
}

/**
 * Compiles a `when` condition (flow-format.md › Transitions) into a function of the variables.
 * Regexes of `matches` are compiled here, once. Malformed conditions throw `FlowCompileError`.
 *
 * Choices where the spec is silent: `eq`/`ne`/`in` treat `3` and `"3"` as equal; ordering
 * operators compare numerically when both sides are numeric, else as text (ISO dates order
 * correctly), and are false for anything else; `contains` is substring for text, membership
 * for lists and key presence for objects; `exists`/`empty` accept `"value": false` to negate.
 */
export function compileCondition(condition: unknown, path: string): ConditionFn {
  if (!isObject(condition))
    throw new FlowCompileError('invalid_condition', 'a condition must be an object', path);
  if ('all' in condition || 'any' in condition) {
    const key = 'all' in condition ? 'all' : 'any';
    const list = condition[key];
    if (!Array.isArray(list))
      throw new FlowCompileError('invalid_condition', `"${key}" must be a list`, path);
    const parts = list.map((c, i) => compileCondition(c, `${path}.${key}[${i}]`));
    return key === 'all'
      ? (vars) => parts.every((p) => p(vars))
      : (vars) => parts.some((p) => p(vars));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, `${path}.not`);
    return (vars) => !inner(vars);
  }
  return compileComparison(condition, path);
}

function compileComparison(condition: Record<string, unknown>, path: string): ConditionFn {
  const varPath = condition.var;
  if (typeof varPath !== 'string' || varPath.trim() === '') {
    throw new FlowCompileError(
      'invalid_condition',
      'a condition needs "var" (or all/any/not)',
      path,
    );
  }
  const op = condition.op ?? 'eq';
  if (typeof op !== 'string' || !OPERATORS.has(op)) {
    throw new FlowCompileError(
      'invalid_condition',
      `unknown operator ${JSON.stringify(op)}`,
      `${path}.op`,
    );
  }
  const trimmed = varPath.trim();
  const segments = parsePath(
    trimmed.startsWith('variables.') ? trimmed.slice('variables.'.length) : trimmed,
  );
  if (segments === null)
    throw new FlowCompileError(
      'invalid_condition',
      `"${varPath}" is not a readable path`,
      `${path}.var`,
    );
  const test = compileOperator(op as ConditionOperator, condition.value, `${path}.value`);
  return (vars) => test(readSegments(vars, segments));
}

function compileOperator(
  op: ConditionOperator,
  expected: unknown,
  path: string,
): (actual: unknown) => boolean {
  switch (op) {
    case 'eq':
      return (actual) => looseEquals(actual, expected);
    case 'ne':
      return (actual) => !looseEquals(actual, expected);
    case 'gt':
      return (actual) => (compareValues(actual, expected) ?? Number.NaN) > 0;
    case 'gte':
      return (actual) => (compareValues(actual, expected) ?? Number.NaN) >= 0;
    case 'lt':
      return (actual) => (compareValues(actual, expected) ?? Number.NaN) < 0;
    case 'lte':
      return (actual) => (compareValues(actual, expected) ?? Number.NaN) <= 0;
    case 'contains':
      return (actual) => {
        if (typeof actual === 'string')
          return expected !== undefined && expected !== null && actual.includes(toText(expected));
        if (Array.isArray(actual)) return actual.some((item) => looseEquals(item, expected));
        if (isObject(actual) && typeof expected === 'string')
          return Object.prototype.hasOwnProperty.call(actual, expected);
        return false;
      };
    case 'starts_with':
      return (actual) =>
        (typeof actual === 'string' || typeof actual === 'number') &&
        expected !== undefined &&
        expected !== null &&
        String(actual).startsWith(toText(expected));
    case 'matches': {
      if (typeof expected !== 'string')
        throw new FlowCompileError('invalid_regex', '"matches" needs a regex string', path);
      let regex: SafeRegex;
      try {
        regex = compileSafeRegex(expected);
      } catch (error) {
        throw new FlowCompileError(
          'invalid_regex',
          `invalid regex: ${(error as Error).message}`,
          path,
        );
      }
      return (actual) =>
        (typeof actual === 'string' || typeof actual === 'number') && regex.test(String(actual));
    }
    case 'exists': {
      const wanted = expected !== false;
      return (actual) => (actual !== undefined && actual !== null) === wanted;
    }
    case 'empty': {
      const wanted = expected !== false;
      return (actual) => isEmptyValue(actual) === wanted;
    }
    case 'in': {
      const options = Array.isArray(expected) ? expected : [expected];
      return (actual) => options.some((option) => looseEquals(actual, option));
    }
  }
}
