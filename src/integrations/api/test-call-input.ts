import { BODY_TYPES, HTTP_METHODS, type BodyType, type HttpMethod } from '../../engine/ports';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { hasControlChars } from '../http/header-rules';
import { childPath, FieldIssues, isRecord, rejectUnknown } from './field-issues';

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

const FIELDS = ['method', 'path', 'query', 'headers', 'body', 'body_type', 'variables'];

function stringMap(value: unknown, path: string, issues: FieldIssues): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.add(path, `${path} must be an object mapping names to string values.`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' || item.length > 8192 || hasControlChars(item)) {
      issues.add(
        childPath(path, key),
        'Must be a string of at most 8192 characters, without line breaks.',
      );
    } else {
      out[key] = item;
    }
  }
  return out;
}

/** Validates the test body; defaults: GET, path "", JSON body type (like an API_CALL). */
export function parseTestCall(body: unknown): TestCallInput {
  const input = body === undefined || body === null ? {} : body;
  if (!isRecord(input)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
      { path: '', message: 'The request body must be a JSON object.' },
    ]);
  }
  const issues = new FieldIssues();
  rejectUnknown(input, FIELDS, '', issues);
  let method: HttpMethod = 'GET';
  if (input.method !== undefined) {
    const upper = typeof input.method === 'string' ? input.method.toUpperCase() : '';
    if ((HTTP_METHODS as readonly string[]).includes(upper)) method = upper as HttpMethod;
    else issues.add('method', `method must be one of: ${HTTP_METHODS.join(', ')}.`);
  }
  let path = '';
  if (input.path !== undefined) {
    if (typeof input.path !== 'string' || input.path.length > 2048 || hasControlChars(input.path)) {
      issues.add(
        'path',
        'path must be a string of at most 2048 characters, appended to the base URL.',
      );
    } else {
      path = input.path;
    }
  }
  let bodyType: BodyType = 'json';
  if (input.body_type !== undefined) {
    if (
      typeof input.body_type === 'string' &&
      (BODY_TYPES as readonly string[]).includes(input.body_type)
    ) {
      bodyType = input.body_type as BodyType;
    } else {
      issues.add('body_type', `body_type must be one of: ${BODY_TYPES.join(', ')}.`);
    }
  }
  let variables: Record<string, unknown> = {};
  if (input.variables !== undefined) {
    if (isRecord(input.variables)) variables = input.variables;
    else issues.add('variables', 'variables must be an object.');
  }
  const query = stringMap(input.query, 'query', issues);
  const headers = stringMap(input.headers, 'headers', issues);
  issues.throwIfAny();
  const out: TestCallInput = { method, path, query, headers, body_type: bodyType, variables };
  if (input.body !== undefined) out.body = input.body;
  return out;
}
