import { DEFAULT_RETRY_POLICY, type EffectiveRetryPolicy } from '../http/retry-policy';
import type { HttpIntegrationAuth } from '../http/http-integration';
import { hasControlChars, isGatewayHeader, isHeaderName } from '../http/header-rules';
import { childPath, FieldIssues, intField, isRecord, rejectUnknown } from './field-issues';

/** What a secret value looks like in responses; sent back in a PATCH it means "keep it". */
export const SECRET_MASK = '***';

export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const DEFAULT_TIMEOUT = { connect_ms: 3000, read_ms: 10_000 };
export const TIMEOUT_LIMITS = { connect_ms: 60_000, read_ms: 300_000 };
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const MAX_RESPONSE_BYTES_LIMIT = 10 * 1024 * 1024;
const MAX_MAP_ENTRIES = 50;
const MAX_VALUE_CHARS = 8192;
const MAX_URL_CHARS = 2048;

const TOP_FIELDS = [
  'type',
  'name',
  'base_url',
  'auth',
  'headers',
  'query',
  'timeout',
  'retry',
  'max_response_bytes',
] as const;
const AUTH_FIELDS: Record<HttpIntegrationAuth['type'], readonly string[]> = {
  none: ['type'],
  bearer: ['type', 'token'],
  api_key: ['type', 'key', 'name', 'in'],
  basic: ['type', 'username', 'password'],
  headers: ['type', 'headers'],
};
const RETRY_ON = /^(network_error|timeout|[1-5]xx|[1-5]\d\d)$/;

/** A fully validated http integration (secret values may still be `***`, see keep-masked-secrets). */
export interface HttpIntegrationFields {
  name: string;
  base_url: string;
  auth: HttpIntegrationAuth;
  headers: Record<string, string>;
  query: Record<string, string>;
  timeout: { connect_ms: number; read_ms: number };
  retry: EffectiveRetryPolicy;
  max_response_bytes: number;
}

/**
 * A PATCH: only the fields sent; each one replaces the stored field as a whole. The
 * read-only fields of a GET body (`type`, `id`, `chatbot_id`, `created_at`, `updated_at`)
 * are checked by the service, so a GET body can be sent back as is.
 */
export type HttpIntegrationPatch = Partial<HttpIntegrationFields>;

const READ_ONLY_FIELDS = ['type', 'id', 'chatbot_id', 'created_at', 'updated_at'] as const;

/** Validates a create body; missing optional fields get their defaults. Throws a 400 with every problem. */
export function parseHttpIntegrationCreate(input: Record<string, unknown>): HttpIntegrationFields {
  const issues = new FieldIssues();
  const fields = parseFields(input, issues);
  if (input.name === undefined) issues.add('name', 'name is required.');
  if (input.base_url === undefined) issues.add('base_url', 'base_url is required.');
  issues.throwIfAny();
  return {
    name: fields.name!,
    base_url: fields.base_url!,
    auth: fields.auth ?? { type: 'none' },
    headers: fields.headers ?? {},
    query: fields.query ?? {},
    timeout: fields.timeout ?? { ...DEFAULT_TIMEOUT },
    retry: fields.retry ?? { ...DEFAULT_RETRY_POLICY, on: [...DEFAULT_RETRY_POLICY.on] },
    max_response_bytes: fields.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
}

/** Validates a PATCH body: every field optional, none defaulted. */
export function parseHttpIntegrationPatch(input: Record<string, unknown>): HttpIntegrationPatch {
  const issues = new FieldIssues();
  const editable = Object.fromEntries(
    Object.entries(input).filter(([key]) => !(READ_ONLY_FIELDS as readonly string[]).includes(key)),
  );
  const fields: HttpIntegrationPatch = parseFields(editable, issues);
  issues.throwIfAny();
  return fields;
}

function parseFields(
  input: Record<string, unknown>,
  issues: FieldIssues,
): Partial<HttpIntegrationFields> {
  rejectUnknown(input, TOP_FIELDS, '', issues);
  const out: Partial<HttpIntegrationFields> = {};
  if (input.name !== undefined) out.name = parseName(input.name, issues);
  if (input.base_url !== undefined) out.base_url = parseBaseUrl(input.base_url, issues);
  if (input.auth !== undefined) out.auth = parseAuth(input.auth, 'auth', issues);
  if (input.headers !== undefined)
    out.headers = parseMap(input.headers, 'headers', 'header', issues);
  if (input.query !== undefined) out.query = parseMap(input.query, 'query', 'query', issues);
  if (input.timeout !== undefined) out.timeout = parseTimeout(input.timeout, issues);
  if (input.retry !== undefined) out.retry = parseRetry(input.retry, issues);
  if (input.max_response_bytes !== undefined) {
    out.max_response_bytes = intField(
      input.max_response_bytes,
      'max_response_bytes',
      1,
      MAX_RESPONSE_BYTES_LIMIT,
      issues,
    );
  }
  for (const key of Object.keys(out) as (keyof HttpIntegrationFields)[]) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

function parseName(value: unknown, issues: FieldIssues): string | undefined {
  if (typeof value !== 'string' || value.length < 1 || value.length > 100) {
    issues.add('name', 'name must be a string of 1 to 100 characters.');
    return undefined;
  }
  if (!NAME_PATTERN.test(value)) {
    issues.add('name', 'name may contain only letters, digits, "_", "." and "-".');
    return undefined;
  }
  return value;
}

function parseBaseUrl(value: unknown, issues: FieldIssues): string | undefined {
  const bad = (message: string): undefined => {
    issues.add('base_url', message);
    return undefined;
  };
  if (typeof value !== 'string' || value.trim() === '')
    return bad('base_url must be a non-empty string.');
  if (value.length > MAX_URL_CHARS)
    return bad(`base_url must be at most ${MAX_URL_CHARS} characters.`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return bad('base_url must be an absolute http or https URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return bad('base_url must be an absolute http or https URL.');
  }
  if (url.hostname === '') return bad('base_url must name a host.');
  if (url.username !== '' || url.password !== '') {
    return bad('base_url must not contain credentials; use "auth" (it is stored encrypted).');
  }
  if (url.hash !== '') return bad('base_url must not contain a fragment (#...).');
  return value.trim();
}

function parseSecret(
  value: unknown,
  path: string,
  issues: FieldIssues,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): string | undefined {
  if (value === undefined) {
    issues.add(path, `${path} is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    issues.add(path, `${path} must be a non-empty string.`);
    return undefined;
  }
  if (value.length > MAX_VALUE_CHARS || hasControlChars(value)) {
    issues.add(
      path,
      `${path} must be at most ${MAX_VALUE_CHARS} characters, without line breaks or control characters.`,
    );
    return undefined;
  }
  return value;
}

function checkHeaderName(name: string, path: string, issues: FieldIssues): boolean {
  if (!isHeaderName(name)) {
    issues.add(path, `"${name}" is not a valid HTTP header name.`);
    return false;
  }
  // Headers that change framing/routing or are the gateway's own.
  if (isGatewayHeader(name)) {
    issues.add(path, `The header "${name}" is set by the gateway and cannot be configured.`);
    return false;
  }
  return true;
}

/** A map of string values; header names are checked as HTTP tokens. Values may be secrets: never echoed. */
function parseMap(
  value: unknown,
  path: string,
  kind: 'header' | 'query',
  issues: FieldIssues,
): Record<string, string> | undefined {
  if (!isRecord(value)) {
    issues.add(path, `${path} must be an object mapping names to string values.`);
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_MAP_ENTRIES) {
    issues.add(path, `${path} may have at most ${MAX_MAP_ENTRIES} entries.`);
    return undefined;
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  let ok = true;
  for (const [key, item] of entries) {
    const itemPath = childPath(path, key);
    if (kind === 'header') {
      if (!checkHeaderName(key, itemPath, issues)) {
        ok = false;
        continue;
      }
      if (seen.has(key.toLowerCase())) {
        issues.add(itemPath, `The header "${key}" is given twice (names are case-insensitive).`);
        ok = false;
        continue;
      }
      seen.add(key.toLowerCase());
    } else if (key === '' || key.length > 256) {
      issues.add(itemPath, 'Query parameter names must be 1 to 256 characters.');
      ok = false;
      continue;
    }
    const text = parseSecret(item, itemPath, issues, { allowEmpty: true });
    if (text === undefined) ok = false;
    else out[key] = text;
  }
  return ok ? out : undefined;
}

/** The auth union: `type` picks the shape; each shape's fields are checked with exact paths. */
export function parseAuth(
  value: unknown,
  path: string,
  issues: FieldIssues,
): HttpIntegrationAuth | undefined {
  const types = Object.keys(AUTH_FIELDS) as HttpIntegrationAuth['type'][];
  if (!isRecord(value)) {
    issues.add(path, `${path} must be an object with a "type" (${types.join(', ')}).`);
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !(types as string[]).includes(type)) {
    issues.add(childPath(path, 'type'), `${path}.type must be one of: ${types.join(', ')}.`);
    return undefined;
  }
  const at = (key: string): string => childPath(path, key);
  const before = issues.count;
  rejectUnknown(value, AUTH_FIELDS[type as HttpIntegrationAuth['type']], path, issues);
  let auth: HttpIntegrationAuth | undefined;
  switch (type as HttpIntegrationAuth['type']) {
    case 'none':
      auth = { type: 'none' };
      break;
    case 'bearer': {
      const token = parseSecret(value.token, at('token'), issues);
      if (token !== undefined) auth = { type: 'bearer', token };
      break;
    }
    case 'api_key': {
      const key = parseSecret(value.key, at('key'), issues);
      const where = value.in ?? 'header';
      if (where !== 'header' && where !== 'query') {
        issues.add(at('in'), `${path}.in must be "header" or "query".`);
      }
      let name: string | undefined;
      if (typeof value.name !== 'string' || value.name === '' || value.name.length > 256) {
        issues.add(
          at('name'),
          `${path}.name must be a string of 1 to 256 characters (the header or query parameter name).`,
        );
      } else if (where !== 'header' || checkHeaderName(value.name, at('name'), issues)) {
        name = value.name;
      }
      if (key !== undefined && name !== undefined && (where === 'header' || where === 'query')) {
        auth = { type: 'api_key', key, name, in: where };
      }
      break;
    }
    case 'basic': {
      const username = parseSecret(value.username, at('username'), issues);
      const password = parseSecret(value.password, at('password'), issues, { allowEmpty: true });
      if (username !== undefined && username.includes(':')) {
        issues.add(at('username'), `${path}.username must not contain ":".`);
      } else if (username !== undefined && password !== undefined) {
        auth = { type: 'basic', username, password };
      }
      break;
    }
    case 'headers': {
      if (value.headers === undefined) {
        issues.add(at('headers'), `${path}.headers is required.`);
        break;
      }
      const headers = parseMap(value.headers, at('headers'), 'header', issues);
      if (headers !== undefined && Object.keys(headers).length === 0) {
        issues.add(at('headers'), `${path}.headers must name at least one header.`);
      } else if (headers !== undefined) {
        auth = { type: 'headers', headers };
      }
      break;
    }
  }
  return issues.count === before ? auth : undefined;
}

function parseTimeout(
  value: unknown,
  issues: FieldIssues,
): HttpIntegrationFields['timeout'] | undefined {
  if (!isRecord(value)) {
    issues.add('timeout', 'timeout must be an object {connect_ms, read_ms}.');
    return undefined;
  }
  const before = issues.count;
  rejectUnknown(value, ['connect_ms', 'read_ms'], 'timeout', issues);
  const connect = intField(
    value.connect_ms,
    'timeout.connect_ms',
    1,
    TIMEOUT_LIMITS.connect_ms,
    issues,
  );
  const read = intField(value.read_ms, 'timeout.read_ms', 1, TIMEOUT_LIMITS.read_ms, issues);
  if (issues.count > before) return undefined;
  return {
    connect_ms: connect ?? DEFAULT_TIMEOUT.connect_ms,
    read_ms: read ?? DEFAULT_TIMEOUT.read_ms,
  };
}

function parseRetry(value: unknown, issues: FieldIssues): EffectiveRetryPolicy | undefined {
  if (!isRecord(value)) {
    issues.add(
      'retry',
      'retry must be an object {max_attempts, initial_delay_ms, max_delay_ms, on}.',
    );
    return undefined;
  }
  const before = issues.count;
  rejectUnknown(value, ['max_attempts', 'initial_delay_ms', 'max_delay_ms', 'on'], 'retry', issues);
  const maxAttempts = intField(value.max_attempts, 'retry.max_attempts', 1, 10, issues);
  const initial = intField(value.initial_delay_ms, 'retry.initial_delay_ms', 0, 60_000, issues);
  const maxDelay = intField(value.max_delay_ms, 'retry.max_delay_ms', 0, 300_000, issues);
  let on: string[] | undefined;
  if (value.on !== undefined) {
    if (!Array.isArray(value.on) || value.on.length > 20) {
      issues.add(
        'retry.on',
        'retry.on must be a list (at most 20) of "network_error", "timeout", "5xx"-style classes or 3-digit statuses.',
      );
    } else {
      on = [];
      value.on.forEach((entry: unknown, index) => {
        if (typeof entry === 'string' && RETRY_ON.test(entry)) on!.push(entry);
        else
          issues.add(
            `retry.on[${index}]`,
            'Must be "network_error", "timeout", a status class like "5xx" or a 3-digit status like "429".',
          );
      });
    }
  }
  if (issues.count > before) return undefined;
  const policy: EffectiveRetryPolicy = {
    max_attempts: maxAttempts ?? DEFAULT_RETRY_POLICY.max_attempts,
    initial_delay_ms: initial ?? DEFAULT_RETRY_POLICY.initial_delay_ms,
    max_delay_ms: maxDelay ?? DEFAULT_RETRY_POLICY.max_delay_ms,
    on: on ?? [...DEFAULT_RETRY_POLICY.on],
  };
  if (policy.max_delay_ms < policy.initial_delay_ms) {
    issues.add(
      'retry.max_delay_ms',
      'retry.max_delay_ms must not be below retry.initial_delay_ms.',
    );
    return undefined;
  }
  return policy;
}
