import { BODY_TYPES, HTTP_METHODS, type BodyType, type HttpMethod } from '../../engine/ports';
import { FieldIssues, requireObjectBody } from './field-issues';
import { schemaCheck } from './schema-check';

/** Body of `POST .../integrations/{id}/test`: a literal request, as a flow's API_CALL would send it. */
export interface TestCallInput {
  method: HttpMethod;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  body_type: BodyType;
  variables: Record<string, unknown>;
}

const valueMap = (path: string) => ({
  type: 'object',
  message: `${path} must be an object mapping names to string values.`,
  additionalProperties: {
    type: 'string',
    maxLength: 8192,
    pattern: '^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$',
    message: 'Must be a string of at most 8192 characters, without line breaks.',
  },
});

const checkTestCall = schemaCheck({
  type: 'object',
  properties: {
    method: {
      type: 'string',
      enum: [...HTTP_METHODS],
      message: `method must be one of: ${HTTP_METHODS.join(', ')}.`,
    },
    path: {
      type: 'string',
      maxLength: 2048,
      pattern: '^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$',
      message: 'path must be a string of at most 2048 characters, appended to the base URL.',
    },
    query: valueMap('query'),
    headers: valueMap('headers'),
    body: {},
    body_type: {
      type: 'string',
      enum: [...BODY_TYPES],
      message: `body_type must be one of: ${BODY_TYPES.join(', ')}.`,
    },
    variables: { type: 'object', message: 'variables must be an object.' },
  },
  additionalProperties: false,
});

/** Validates the test body; defaults: GET, path "", JSON body type (like an API_CALL). */
export function parseTestCall(body: unknown): TestCallInput {
  const raw = requireObjectBody(body);
  // Methods are case-insensitive, as in flows.
  const input = typeof raw.method === 'string' ? { ...raw, method: raw.method.toUpperCase() } : raw;
  const issues = new FieldIssues();
  checkTestCall(input, issues);
  issues.throwIfAny();
  const out: TestCallInput = {
    method: (input.method as HttpMethod | undefined) ?? 'GET',
    path: (input.path as string | undefined) ?? '',
    query: (input.query as Record<string, string> | undefined) ?? {},
    headers: (input.headers as Record<string, string> | undefined) ?? {},
    body_type: (input.body_type as BodyType | undefined) ?? 'json',
    variables: (input.variables as Record<string, unknown> | undefined) ?? {},
  };
  if (input.body !== undefined) out.body = input.body;
  return out;
}
