import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from './is-record';
import { INPUT_TYPES, type InputDefinition, type InputType } from './normalised-flow';

const TYPES: ReadonlySet<string> = new Set(INPUT_TYPES);

function optionalNumber(
  raw: Record<string, unknown>,
  key: string,
  path: string,
): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FlowCompileError('invalid_input', `"${key}" must be a number`, `${path}.${key}`);
  }
  return value;
}

function optionalString(
  raw: Record<string, unknown>,
  key: string,
  path: string,
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new FlowCompileError('invalid_input', `"${key}" must be a string`, `${path}.${key}`);
  return value;
}

/** The `input` block of a state (flow-format.md › Input); `type` defaults to `text`. */
export function normaliseInput(raw: unknown, path: string): InputDefinition | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw))
    throw new FlowCompileError('invalid_input', '"input" must be an object', path);
  const type = raw.type ?? 'text';
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new FlowCompileError(
      'invalid_input',
      `unknown input type ${JSON.stringify(type)}`,
      `${path}.type`,
    );
  }
  const bound = (key: 'min' | 'max'): number | string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' || typeof value === 'string') return value;
    throw new FlowCompileError(
      'invalid_input',
      `"${key}" must be a number or a string`,
      `${path}.${key}`,
    );
  };
  return {
    type: type as InputType,
    save_to: optionalString(raw, 'save_to', path),
    pattern: optionalString(raw, 'pattern', path),
    min_length: optionalNumber(raw, 'min_length', path),
    max_length: optionalNumber(raw, 'max_length', path),
    min: bound('min'),
    max: bound('max'),
    error_message: optionalString(raw, 'error_message', path),
    max_retries: optionalNumber(raw, 'max_retries', path),
    on_max_retries: optionalString(raw, 'on_max_retries', path),
    default_country: optionalString(raw, 'default_country', path),
    path,
  };
}
