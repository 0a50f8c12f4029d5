import { FlowCompileError } from '../../flow-compile-error';
import { replyText } from '../../input/validate-input';
import { isRecord } from '../../normalise/is-record';
import {
  BODY_TYPES,
  HTTP_METHODS,
  type ApiCallRequest,
  type BodyType,
  type HttpMethod,
  type RetryPolicy,
} from '../../ports';
import { compileTemplate, type Template } from '../../templates/compile-template';
import { compileValue, type ValueRenderer } from '../../templates/compile-value';
import { isForbiddenKey } from '../../templates/read-path';
import type { ActionTurn } from '../action-handler';

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);
const BODY_TYPE_SET: ReadonlySet<string> = new Set(BODY_TYPES);
const CR_OR_LF = /[\r\n]/;

export type RenderedRequest =
  | { ok: true; request: ApiCallRequest }
  | { ok: false; error: 'invalid_header'; header: string; summary: RequestSummary };

export type ApiRequestRenderer = (turn: ActionTurn) => RenderedRequest;

/** What is safe to show in a trace: method, integration and path, or the URL without its query. */
export interface RequestSummary {
  method: HttpMethod;
  integration?: string;
  path?: string;
  url?: string;
}

export function summariseRequest(request: ApiCallRequest): RequestSummary {
  const summary: RequestSummary = { method: request.method };
  if (request.integration !== undefined) summary.integration = request.integration;
  if (request.path !== undefined) summary.path = request.path;
  if (request.url !== undefined) summary.url = withoutUserInfo(request.url.split(/[?#]/, 1)[0]);
  return summary;
}

/** A URL without its `user:password@` (auth values are never traced). */
const withoutUserInfo = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');

function stringField(
  definition: Record<string, unknown>,
  key: string,
  path: string,
): string | undefined {
  const value = definition[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new FlowCompileError('invalid_action', `"${key}" must be a string`, `${path}.${key}`);
  return value;
}

function compileStringMap(
  raw: unknown,
  mode: 'text' | 'url',
  path: string,
): Array<[string, Template]> {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw))
    throw new FlowCompileError('invalid_action', 'must be an object of strings', path);
  return Object.entries(raw)
    .filter(([key]) => !isForbiddenKey(key))
    .map(([key, value]) => [
      key,
      compileTemplate(
        typeof value === 'string' ? value : String(value as string | number | boolean),
        mode,
        `${path}.${key}`,
      ),
    ]);
}

/**
 * Compiles the request part of an API_CALL once. At run time every template is rendered:
 * `path` and `query` values in URL-segment mode (each interpolated value encodeURIComponent-ed),
 * `url` likewise unless it is exactly one `{{expression}}` (then it is the whole URL), headers
 * as text (a CR or LF refuses the call), `body` with single-expression values keeping their
 * JSON type (a string body renders as text).
 */
export function compileApiRequest(
  definition: Record<string, unknown>,
  path: string,
): ApiRequestRenderer {
  const integration = stringField(definition, 'integration', path);
  const url = stringField(definition, 'url', path);
  if ((integration === undefined) === (url === undefined)) {
    throw new FlowCompileError(
      'invalid_action',
      'API_CALL needs exactly one of "integration" and "url"',
      path,
    );
  }
  const method = (stringField(definition, 'method', path) ?? 'GET').toUpperCase();
  if (!METHODS.has(method))
    throw new FlowCompileError('invalid_action', `unknown method "${method}"`, `${path}.method`);
  const bodyType = stringField(definition, 'body_type', path) ?? 'json';
  if (!BODY_TYPE_SET.has(bodyType))
    throw new FlowCompileError(
      'invalid_action',
      `unknown body_type "${bodyType}"`,
      `${path}.body_type`,
    );

  const rawPath = stringField(definition, 'path', path);
  const pathTemplate =
    rawPath === undefined ? undefined : compileTemplate(rawPath, 'url', `${path}.path`);
  let urlTemplate: Template | undefined;
  if (url !== undefined) {
    const whole = /^\s*\{\{[^{}]*\}\}\s*$/.test(url);
    urlTemplate = compileTemplate(url, whole ? 'text' : 'url', `${path}.url`);
  }
  const query = compileStringMap(definition.query, 'url', `${path}.query`);
  const headers = compileStringMap(definition.headers, 'text', `${path}.headers`);
  let body: ValueRenderer | undefined;
  if (definition.body !== undefined && definition.body !== null) {
    body =
      typeof definition.body === 'string'
        ? compileValue(definition.body, 'text', `${path}.body`)
        : compileValue(definition.body, 'value', `${path}.body`);
  }
  const autoBody = definition.auto_body !== false;
  const includeRaw = definition.include_raw === true;
  const timeout =
    typeof definition.timeout_ms === 'number' && definition.timeout_ms > 0
      ? definition.timeout_ms
      : undefined;
  const retry = isRecord(definition.retry) ? (definition.retry as RetryPolicy) : undefined;

  return (turn) => {
    const scope = turn.scope;
    const renderedHeaders: Record<string, string> = {};
    let badHeader: string | undefined;
    for (const [name, template] of headers) {
      const value = template.render(scope);
      if (CR_OR_LF.test(value)) badHeader ??= name;
      else renderedHeaders[name] = value;
    }
    const renderedQuery: Record<string, string> = {};
    for (const [name, template] of query) renderedQuery[name] = template.render(scope);
    const inbound = turn.inbound;
    const request: ApiCallRequest = {
      method: method as HttpMethod,
      query: renderedQuery,
      headers: renderedHeaders,
      body_type: bodyType as BodyType,
      auto_body: autoBody,
      include_raw: includeRaw,
      context: {
        user_id: turn.info.user_id,
        chatbot_id: turn.info.chatbot_id,
        session_id: turn.info.session_id,
        channel: turn.info.channel,
        ...(turn.state !== null ? { state: turn.state } : {}),
        ...(turn.info.flow_name !== undefined ? { flow_name: turn.info.flow_name } : {}),
        ...(typeof turn.variables.contact_name === 'string' && turn.variables.contact_name !== ''
          ? { user_name: turn.variables.contact_name }
          : {}),
      },
      message: inbound
        ? { type: inbound.type, text: replyText(inbound) ?? '' }
        : { type: 'text', text: '' },
      variables: { ...turn.variables },
    };
    if (integration !== undefined) request.integration = integration;
    if (pathTemplate !== undefined) request.path = pathTemplate.render(scope);
    if (urlTemplate !== undefined) request.url = urlTemplate.render(scope);
    if (body !== undefined) request.body = body(scope);
    if (timeout !== undefined) request.timeout_ms = timeout;
    if (retry !== undefined) request.retry = retry;
    if (badHeader !== undefined)
      return {
        ok: false,
        error: 'invalid_header',
        header: badHeader,
        summary: summariseRequest(request),
      };
    return { ok: true, request };
  };
}
