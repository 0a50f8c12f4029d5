import { INPUT_TYPES } from '../normalise/normalised-flow';
import { checkRegex } from './check-regex';
import { checkTarget } from './check-target';
import { checkTemplate } from './check-template';
import { checkVariablePath } from './check-variable-path';
import { childPath, show } from './json-path';
import { isFiniteNumber, isNonNegativeInteger, isRecord, type JsonObject } from './json-guards';
import type { MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

const INPUT_FIELDS = [
  'save_to',
  'type',
  'pattern',
  'error_message',
  'max_retries',
  'on_max_retries',
  'min_length',
  'max_length',
  'min',
  'max',
  'default_country',
];

const LENGTH_TYPES = new Set(['text', 'email', 'phone', 'choice']);
const RANGE_TYPES = new Set(['number', 'integer', 'date', 'time']);

/** Checks a state's `input`: type, options, retries and the `on_max_retries` target. */
export function checkInput(
  value: unknown,
  path: string,
  ctx: ScanContext,
  message: MessageSummary,
  inputOrder: number,
): void {
  if (!isRecord(value)) {
    ctx.issues.error(
      path,
      `"input" must be an object like {"save_to", "type"}, not ${show(value)}.`,
    );
    return;
  }
  if (value.save_to !== undefined) {
    const savePath = childPath(path, 'save_to');
    const root = checkVariablePath(value.save_to, savePath, '"save_to"', ctx.issues);
    if (root !== null)
      ctx.state?.writes.push({ root, path: savePath, order: inputOrder, kind: 'input' });
  }
  const type = checkType(value, path, ctx);
  if (value.pattern !== undefined)
    checkRegex(value.pattern, childPath(path, 'pattern'), ctx.issues);
  if (value.error_message !== undefined) {
    const errorPath = childPath(path, 'error_message');
    if (typeof value.error_message === 'string') checkTemplate(value.error_message, errorPath, ctx);
    else
      ctx.issues.error(
        errorPath,
        `"error_message" must be a string, not ${show(value.error_message)}.`,
      );
  }
  if (value.max_retries !== undefined && !isNonNegativeInteger(value.max_retries)) {
    ctx.issues.error(
      childPath(path, 'max_retries'),
      `"max_retries" must be a whole number 0 or more, not ${show(value.max_retries)}.`,
    );
  }
  if (value.on_max_retries !== undefined) {
    checkTarget(
      value.on_max_retries,
      childPath(path, 'on_max_retries'),
      '"on_max_retries" target',
      ctx,
    );
  }
  checkBounds(value, 'min_length', 'max_length', path, ctx, true);
  checkBounds(value, 'min', 'max', path, ctx, false);
  if (
    value.default_country !== undefined &&
    (typeof value.default_country !== 'string' || !/^[A-Za-z]{2}$/.test(value.default_country))
  ) {
    ctx.issues.error(
      childPath(path, 'default_country'),
      `"default_country" must be a two-letter country code like "TZ", not ${show(value.default_country)}.`,
    );
  }
  if (type !== null) warnInapplicable(value, type, path, ctx, message);
  warnUnknownFields(value, INPUT_FIELDS, path, 'input', ctx.issues);
}

function checkType(value: JsonObject, path: string, ctx: ScanContext): string | null {
  if (value.type === undefined) return 'text';
  if (typeof value.type !== 'string' || !(INPUT_TYPES as readonly string[]).includes(value.type)) {
    ctx.issues.error(
      childPath(path, 'type'),
      `Unknown input type ${show(value.type)}; use one of ${INPUT_TYPES.join(' ')}.`,
    );
    return null;
  }
  return value.type;
}

function checkBounds(
  value: JsonObject,
  lowKey: string,
  highKey: string,
  path: string,
  ctx: ScanContext,
  lengths: boolean,
): void {
  const valid = (bound: unknown): boolean =>
    lengths
      ? isNonNegativeInteger(bound)
      : isFiniteNumber(bound) || (typeof bound === 'string' && bound.trim() !== '');
  const rule = lengths
    ? 'a whole number 0 or more'
    : 'a number (or, for dates and times, an ISO string)';
  for (const key of [lowKey, highKey]) {
    if (value[key] !== undefined && !valid(value[key])) {
      ctx.issues.error(childPath(path, key), `"${key}" must be ${rule}, not ${show(value[key])}.`);
    }
  }
  const low = value[lowKey];
  const high = value[highKey];
  if (
    valid(low) &&
    valid(high) &&
    typeof low === typeof high &&
    (low as number) > (high as number)
  ) {
    ctx.issues.error(
      childPath(path, lowKey),
      `"${lowKey}" (${show(low)}) is greater than "${highKey}" (${show(high)}).`,
    );
  }
}

function warnInapplicable(
  value: JsonObject,
  type: string,
  path: string,
  ctx: ScanContext,
  message: MessageSummary,
): void {
  const ignored = (key: string): void =>
    ctx.issues.warn(
      childPath(path, key),
      `"${key}" does not apply to input type "${type}" and is ignored.`,
    );
  if (!LENGTH_TYPES.has(type)) {
    for (const key of ['min_length', 'max_length']) if (value[key] !== undefined) ignored(key);
  }
  if (!RANGE_TYPES.has(type)) {
    for (const key of ['min', 'max']) if (value[key] !== undefined) ignored(key);
  }
  if (type !== 'phone' && value.default_country !== undefined) ignored('default_country');
  if (type === 'choice' && message.optionIds.length === 0) {
    ctx.issues.warn(
      childPath(path, 'type'),
      'Input type "choice" needs buttons or list rows in the state\'s message; this state offers none, so no reply can match.',
    );
  }
}
