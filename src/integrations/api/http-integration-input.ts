import { DEFAULT_RETRY_POLICY, type EffectiveRetryPolicy } from '../http/retry-policy';
import type { HttpIntegrationAuth } from '../http/http-integration';
import { FieldIssues } from './field-issues';
import { COMMON_FIELDS, READ_ONLY_FIELDS, wholeNumber } from './integration-schema';
import { schemaCheck } from './schema-check';

/** What a secret value looks like in responses; sent back in a PATCH it means "keep it". */
export const SECRET_MASK = '***';

const DEFAULT_TIMEOUT = { connect_ms: 3000, read_ms: 10_000 };
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_VALUE_CHARS = 8192;

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

/** A PATCH: only the fields sent; each one replaces the stored field as a whole. */
export type HttpIntegrationPatch = Partial<HttpIntegrationFields>;

// ---- The schema (contract: api-call.md › Integrations) ------------------------------------

/** A secret or header value: never quoted back. Tab is the only control character allowed. */
const secretText = (path: string, minLength = 1) => ({
  type: 'string',
  minLength,
  maxLength: MAX_VALUE_CHARS,
  pattern: '^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$',
  message: `${path} must be ${minLength ? 'a non-empty string' : 'a string'} of at most ${MAX_VALUE_CHARS} characters, without line breaks or control characters.`,
});

const headerName = {
  allOf: [
    { type: 'string', httpToken: true, message: 'Not a valid HTTP header name.' },
    {
      type: 'string',
      gatewayHeader: false,
      message: 'This header is set by the gateway and cannot be configured.',
    },
  ],
};

/** A map of header names (or query names) to values; values may be secrets. */
const valueMap = (path: string, names: object) => ({
  type: 'object',
  maxProperties: 50,
  propertyNames: names,
  additionalProperties: secretText(`${path} values`, 0),
  message: `${path} must be an object of at most 50 names, each mapped to a string value.`,
});

const AUTH_TYPES = ['none', 'bearer', 'api_key', 'basic', 'headers'];
const authShape = (type: string, properties: object, required: string[] = []) => ({
  type: 'object',
  properties: { type: { const: type }, ...properties },
  required: ['type', ...required],
  additionalProperties: false,
});

const AUTH = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  message: `auth must be an object with a "type" (${AUTH_TYPES.join(', ')}); auth.type must be one of: ${AUTH_TYPES.join(', ')}.`,
  oneOf: [
    authShape('none', {}),
    authShape('bearer', { token: secretText('auth.token') }, ['token']),
    {
      ...authShape(
        'api_key',
        {
          key: secretText('auth.key'),
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            message:
              'auth.name must be a string of 1 to 256 characters (the header or query parameter name).',
          },
          in: {
            type: 'string',
            enum: ['header', 'query'],
            message: 'auth.in must be "header" or "query".',
          },
        },
        ['key', 'name'],
      ),
      // A key sent in a header needs a header's name.
      if: { not: { properties: { in: { const: 'query' } }, required: ['in'] } },
      then: { properties: { name: headerName } },
    },
    authShape(
      'basic',
      {
        username: {
          ...secretText('auth.username'),
          pattern: '^[^:\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$',
          message:
            'auth.username must be a non-empty string without ":", line breaks or control characters.',
        },
        password: secretText('auth.password', 0),
      },
      ['username', 'password'],
    ),
    authShape(
      'headers',
      {
        headers: {
          ...valueMap('auth.headers', headerName),
          minProperties: 1,
          message:
            'auth.headers must name at least one header (at most 50), each with a string value.',
        },
      },
      ['headers'],
    ),
  ],
};

const FIELDS = {
  ...COMMON_FIELDS,
  base_url: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    message: 'base_url must be an absolute http or https URL of at most 2048 characters.',
  },
  auth: AUTH,
  headers: valueMap('headers', headerName),
  query: valueMap('query', {
    type: 'string',
    minLength: 1,
    maxLength: 256,
    message: 'Query parameter names must be 1 to 256 characters.',
  }),
  timeout: {
    type: 'object',
    properties: {
      connect_ms: wholeNumber('timeout.connect_ms', 1, 60_000),
      read_ms: wholeNumber('timeout.read_ms', 1, 300_000),
    },
    additionalProperties: false,
    message: 'timeout must be an object {connect_ms, read_ms}.',
  },
  retry: {
    type: 'object',
    properties: {
      max_attempts: wholeNumber('retry.max_attempts', 1, 10),
      initial_delay_ms: wholeNumber('retry.initial_delay_ms', 0, 60_000),
      max_delay_ms: wholeNumber('retry.max_delay_ms', 0, 300_000),
      on: {
        type: 'array',
        maxItems: 20,
        items: {
          type: 'string',
          pattern: '^(network_error|timeout|[1-5]xx|[1-5]\\d\\d)$',
          message:
            'Must be "network_error", "timeout", a status class like "5xx" or a 3-digit status like "429".',
        },
        message: 'retry.on must be a list of at most 20 retry conditions.',
      },
    },
    additionalProperties: false,
    message: 'retry must be an object {max_attempts, initial_delay_ms, max_delay_ms, on}.',
  },
  max_response_bytes: wholeNumber('max_response_bytes', 1, 10 * 1024 * 1024),
};

const checkCreate = schemaCheck({
  type: 'object',
  properties: FIELDS,
  required: ['name', 'base_url'],
  additionalProperties: false,
});

/** The read-only fields of a GET body may be sent back in a PATCH (the service checks them). */
const checkPatch = schemaCheck({
  type: 'object',
  properties: { ...FIELDS, ...READ_ONLY_FIELDS },
  additionalProperties: false,
});

// ---- What a schema cannot say ---------------------------------------------------------------

function checkBaseUrl(value: unknown, issues: FieldIssues): void {
  if (typeof value !== 'string' || value.trim() === '') return;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return issues.add('base_url', 'base_url must be an absolute http or https URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return issues.add('base_url', 'base_url must be an absolute http or https URL.');
  if (url.hostname === '') return issues.add('base_url', 'base_url must name a host.');
  if (url.username !== '' || url.password !== '')
    return issues.add(
      'base_url',
      'base_url must not contain credentials; use "auth" (it is stored encrypted).',
    );
  if (url.hash !== '') issues.add('base_url', 'base_url must not contain a fragment (#...).');
}

/** Header names are case-insensitive: one given twice is refused at its second spelling. */
function checkDistinctHeaders(value: unknown, path: string, issues: FieldIssues): void {
  if (typeof value !== 'object' || value === null) return;
  const seen = new Set<string>();
  for (const name of Object.keys(value)) {
    if (seen.has(name.toLowerCase()))
      issues.add(
        `${path}.${name}`,
        `The header "${name}" is given twice (names are case-insensitive).`,
      );
    seen.add(name.toLowerCase());
  }
}

function checkFields(input: Record<string, unknown>, issues: FieldIssues): void {
  checkBaseUrl(input.base_url, issues);
  checkDistinctHeaders(input.headers, 'headers', issues);
  const auth = input.auth as { type?: unknown; headers?: unknown } | undefined;
  if (auth?.type === 'headers') checkDistinctHeaders(auth.headers, 'auth.headers', issues);
  const retry = input.retry as { initial_delay_ms?: number; max_delay_ms?: number } | undefined;
  const initial = retry?.initial_delay_ms ?? DEFAULT_RETRY_POLICY.initial_delay_ms;
  const max = retry?.max_delay_ms ?? DEFAULT_RETRY_POLICY.max_delay_ms;
  if (retry && max < initial)
    issues.add(
      'retry.max_delay_ms',
      'retry.max_delay_ms must not be below retry.initial_delay_ms.',
    );
}

// ---- The parsers -----------------------------------------------------------------------------

/** Validates a create body; missing optional fields get their defaults. Throws a 400 with every problem. */
export function parseHttpIntegrationCreate(input: Record<string, unknown>): HttpIntegrationFields {
  const issues = new FieldIssues();
  checkCreate(input, issues);
  checkFields(input, issues);
  issues.throwIfAny();
  return {
    name: input.name as string,
    base_url: (input.base_url as string).trim(),
    ...withDefaults(input),
  };
}

/** Validates a PATCH body: every field optional, none defaulted (but nested defaults filled). */
export function parseHttpIntegrationPatch(input: Record<string, unknown>): HttpIntegrationPatch {
  const issues = new FieldIssues();
  checkPatch(input, issues);
  checkFields(input, issues);
  issues.throwIfAny();
  const full: HttpIntegrationFields = {
    name: input.name as string,
    base_url: typeof input.base_url === 'string' ? input.base_url.trim() : '',
    ...withDefaults(input),
  };
  return Object.fromEntries(
    Object.keys(full)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, full[key as keyof HttpIntegrationFields]]),
  );
}

/** The checked optional fields, each with its defaults filled in. */
function withDefaults(
  input: Record<string, unknown>,
): Omit<HttpIntegrationFields, 'name' | 'base_url'> {
  const auth = input.auth as HttpIntegrationAuth | undefined;
  const timeout = input.timeout as Partial<HttpIntegrationFields['timeout']> | undefined;
  const retry = input.retry as Partial<EffectiveRetryPolicy> | undefined;
  return {
    auth:
      auth?.type === 'api_key' ? { ...auth, in: auth.in ?? 'header' } : (auth ?? { type: 'none' }),
    headers: (input.headers as Record<string, string> | undefined) ?? {},
    query: (input.query as Record<string, string> | undefined) ?? {},
    timeout: { ...DEFAULT_TIMEOUT, ...timeout },
    retry: {
      ...DEFAULT_RETRY_POLICY,
      ...retry,
      on: [...(retry?.on ?? DEFAULT_RETRY_POLICY.on)],
    },
    max_response_bytes:
      (input.max_response_bytes as number | undefined) ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
}
