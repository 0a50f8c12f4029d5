import {
  BODY_METHODS,
  HTTP_METHODS,
  type ApiCallErrorCode,
  type ApiCallRequest,
  type HttpMethod,
} from '../../engine/ports';
import { flattenFields } from './flatten-fields';
import { blankControlChars, hasControlChars, isGatewayHeader, isHeaderName } from './header-rules';
import type { HttpIntegrationConfig } from './http-integration';
import { decodeQueryKey, encodeQueryComponentPreserving } from './query-encoding';
import { addSecretValue, emptySecrets, type RequestSecrets } from './request-secrets';

export interface PreparedRequest {
  method: HttpMethod;
  url: URL;
  /** Final headers, original spelling of names, one entry per name (case-insensitive). */
  headers: Record<string, string>;
  body?: Buffer | FormData;
  secrets: RequestSecrets;
}

export type BuildResult =
  | { ok: true; request: PreparedRequest }
  | { ok: false; code: ApiCallErrorCode; reason: string; secrets: RequestSecrets };

export interface BuildInput {
  request: ApiCallRequest;
  integration: HttpIntegrationConfig | null;
  requestId: string;
  userAgent: string;
}

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

class BuildError extends Error {
  constructor(
    readonly code: ApiCallErrorCode,
    reason: string,
  ) {
    super(reason);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

/** Header values travel as bytes: text beyond Latin-1 is sent as its UTF-8 bytes. */
function toByteString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

class HeaderSet {
  private readonly entries = new Map<string, [string, string]>();

  set(name: string, value: string): void {
    this.entries.set(name.toLowerCase(), [name, toByteString(value)]);
  }

  /** A header declared by a flow or an integration: refused when it could inject. */
  setChecked(name: string, value: unknown): void {
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : value === null || value === undefined
            ? ''
            : JSON.stringify(value);
    if (!isHeaderName(name)) throw new BuildError('invalid_header', 'invalid header name');
    if (hasControlChars(text))
      throw new BuildError('invalid_header', `control character in header ${name}`);
    this.set(name, text);
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  delete(name: string): void {
    this.entries.delete(name.toLowerCase());
  }

  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [name, value] of this.entries.values()) record[name] = value;
    return record;
  }
}

function joinIntegrationUrl(baseUrl: string, path: string | undefined): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new BuildError('invalid_request', 'integration base_url is not a URL');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const rendered = path ?? '';
  const suffix =
    rendered === '' || rendered.startsWith('/') || rendered.startsWith('?')
      ? rendered
      : `/${rendered}`;
  let url: URL;
  try {
    url = new URL(`${base.protocol}//${base.host}${basePath}${suffix}`);
  } catch {
    throw new BuildError('invalid_request', 'path does not form a URL');
  }
  // The path may only add to the base URL: never another host, never above the base path.
  const inside =
    basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
  if (url.host !== base.host || url.username !== '' || url.password !== '' || !inside) {
    throw new BuildError('invalid_request', 'path leaves the integration base URL');
  }
  if (base.search.length > 1) {
    url.search = url.search.length > 1 ? `${base.search}&${url.search.slice(1)}` : base.search;
  }
  return url;
}

function parseLegacyUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new BuildError('invalid_request', 'url is not a valid URL');
  }
}

/** Rebuilds the query string: URL's own < integration < action < auth parameter. */
function mergeQuery(url: URL, layers: Array<Array<[string, string]>>): void {
  const overridden = new Set<string>();
  for (const layer of layers) for (const [key] of layer) overridden.add(decodeQueryKey(key));
  const own = url.search.length > 1 ? url.search.slice(1).split('&') : [];
  const pairs: string[] = own.filter((pair) => {
    if (pair === '') return false;
    const eq = pair.indexOf('=');
    return !overridden.has(decodeQueryKey(eq >= 0 ? pair.slice(0, eq) : pair));
  });
  const merged = new Map<string, string>();
  for (const layer of layers) {
    for (const [key, value] of layer) {
      const decodedKey = decodeQueryKey(key);
      merged.delete(decodedKey); // re-insert so the winner keeps a stable position
      merged.set(decodedKey, `${key}=${value}`);
    }
  }
  pairs.push(...merged.values());
  url.search = pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

function buildBody(request: ApiCallRequest, headers: HeaderSet): Buffer | FormData | undefined {
  if (!BODY_METHODS.has(request.method) || request.body_type === 'none') return undefined;
  const declared = request.body;
  let value: unknown;
  if (typeof declared === 'string') {
    value = declared; // a raw body: sent as written
  } else if (request.auto_body) {
    const auto = {
      message: { type: request.message.type, text: request.message.text },
      variables: request.variables,
    };
    value = isPlainObject(declared)
      ? { ...auto, ...declared }
      : declared === undefined || declared === null
        ? auto
        : declared;
  } else {
    value = declared;
  }
  if (value === undefined) return undefined;

  const contentType = (type: string): void => {
    if (!headers.has('content-type')) headers.set('Content-Type', type);
  };
  switch (request.body_type) {
    case 'json': {
      let text: string | undefined;
      try {
        text = typeof value === 'string' ? value : JSON.stringify(value);
      } catch {
        throw new BuildError('invalid_request', 'body cannot be serialised as JSON');
      }
      if (text === undefined) return undefined;
      contentType('application/json');
      return Buffer.from(text, 'utf8');
    }
    case 'text': {
      let text: string;
      try {
        text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
      } catch {
        throw new BuildError('invalid_request', 'body cannot be serialised as text');
      }
      contentType('text/plain; charset=utf-8');
      return Buffer.from(text, 'utf8');
    }
    case 'form': {
      contentType('application/x-www-form-urlencoded');
      if (typeof value === 'string') return Buffer.from(value, 'utf8');
      if (!isPlainObject(value))
        throw new BuildError('invalid_request', 'form body must be an object');
      const params = new URLSearchParams(fields(value));
      return Buffer.from(params.toString(), 'utf8');
    }
    case 'multipart': {
      if (!isPlainObject(value))
        throw new BuildError('invalid_request', 'multipart body must be an object');
      headers.delete('content-type'); // the boundary is chosen when the body is encoded
      const form = new FormData();
      for (const [name, field] of fields(value)) form.append(name, field);
      return form;
    }
  }
}

function fields(value: Record<string, unknown>): Array<[string, string]> {
  try {
    return flattenFields(value);
  } catch {
    throw new BuildError('invalid_request', 'body cannot be sent as form fields');
  }
}

function autoHeaderValue(value: string): string {
  return blankControlChars(value).trim();
}

/**
 * Turns a rendered API_CALL plus its integration into the exact request to send: URL with
 * merged query, merged headers (integration < auth < declared < X-Sarufi-*), auth, the
 * Idempotency-Key and the body. Collects every secret it puts in, for redaction.
 */
export function buildHttpRequest(input: BuildInput): BuildResult {
  const { integration, requestId, userAgent } = input;
  const method = String(input.request.method ?? 'GET').toUpperCase() as HttpMethod;
  const request: ApiCallRequest = { ...input.request, method };
  const secrets = emptySecrets();
  try {
    if (!METHODS.has(method)) throw new BuildError('invalid_request', 'unsupported method');
    const headers = new HeaderSet();
    const integrationQuery: Array<[string, string]> = [];
    const authQuery: Array<[string, string]> = [];
    let url: URL;

    if (integration) {
      if (request.url) throw new BuildError('invalid_request', 'both integration and url are set');
      url = joinIntegrationUrl(integration.base_url, request.path);
      for (const [name, value] of Object.entries(integration.headers ?? {})) {
        secrets.headerNames.add(name.toLowerCase());
        addSecretValue(secrets, value);
        headers.setChecked(name, value);
      }
      for (const [key, value] of Object.entries(integration.query ?? {})) {
        integrationQuery.push([encodeURIComponent(key), encodeURIComponent(value)]);
      }
      const auth = integration.auth ?? { type: 'none' };
      switch (auth.type) {
        case 'none':
          break;
        case 'bearer':
          addSecretValue(secrets, auth.token);
          addSecretValue(secrets, `Bearer ${auth.token}`);
          secrets.headerNames.add('authorization');
          headers.setChecked('Authorization', `Bearer ${auth.token}`);
          break;
        case 'basic': {
          const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString(
            'base64',
          );
          addSecretValue(secrets, auth.password);
          addSecretValue(secrets, auth.username);
          addSecretValue(secrets, encoded);
          // Whole, so an echoed header is masked even when `encoded` is short.
          addSecretValue(secrets, `Basic ${encoded}`);
          secrets.headerNames.add('authorization');
          headers.setChecked('Authorization', `Basic ${encoded}`);
          break;
        }
        case 'api_key':
          addSecretValue(secrets, auth.key);
          if (auth.in === 'query') {
            secrets.queryParams.add(auth.name);
            authQuery.push([encodeURIComponent(auth.name), encodeURIComponent(auth.key)]);
            addSecretValue(secrets, encodeURIComponent(auth.key));
          } else {
            secrets.headerNames.add(auth.name.toLowerCase());
            headers.setChecked(auth.name, auth.key);
          }
          break;
        case 'headers':
          for (const [name, value] of Object.entries(auth.headers ?? {})) {
            secrets.headerNames.add(name.toLowerCase());
            addSecretValue(secrets, value);
            headers.setChecked(name, value);
          }
          break;
      }
    } else {
      if (!request.url)
        throw new BuildError('invalid_request', 'neither integration nor url is set');
      url = parseLegacyUrl(request.url);
      if (url.username !== '' || url.password !== '') {
        // Credentials in a legacy URL become Basic auth, and are treated as secrets.
        const username = decodeURIComponent(url.username);
        const password = decodeURIComponent(url.password);
        const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
        for (const value of [
          username,
          password,
          url.username,
          url.password,
          encoded,
          `Basic ${encoded}`,
        ])
          addSecretValue(secrets, value);
        secrets.headerNames.add('authorization');
        url.username = '';
        url.password = '';
        headers.setChecked('Authorization', `Basic ${encoded}`);
      }
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BuildError('invalid_request', 'only http and https URLs are supported');
    }
    url.hash = '';

    const actionQuery: Array<[string, string]> = Object.entries(request.query ?? {}).map(
      ([key, value]) => [
        encodeQueryComponentPreserving(key),
        encodeQueryComponentPreserving(String(value)),
      ],
    );
    mergeQuery(url, [integrationQuery, actionQuery, authQuery]);

    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (isGatewayHeader(name)) continue;
      headers.setChecked(name, value);
    }

    const ctx = request.context;
    const sarufi: Array<[string, string | undefined]> = [
      ['X-Sarufi-User-Id', ctx.user_id],
      ['X-Sarufi-Chatbot-Id', ctx.chatbot_id],
      ['X-Sarufi-Session-Id', ctx.session_id],
      ['X-Sarufi-Channel', ctx.channel],
      ['X-Sarufi-State', ctx.state],
      ['X-Sarufi-Flow-Name', ctx.flow_name],
      ['X-Sarufi-User-Name', ctx.user_name],
      ['X-Sarufi-Request-Id', requestId],
    ];
    for (const [name, value] of sarufi) {
      if (value !== undefined && value !== null && value !== '')
        headers.set(name, autoHeaderValue(String(value)));
    }
    if (!headers.has('user-agent')) headers.set('User-Agent', autoHeaderValue(userAgent));
    if (
      (request.method === 'POST' || request.method === 'PATCH') &&
      !headers.has('idempotency-key')
    ) {
      headers.set('Idempotency-Key', requestId);
    }
    if (!headers.has('accept'))
      headers.set('Accept', 'application/json, text/plain;q=0.9, */*;q=0.8');

    const body = buildBody(request, headers);
    return {
      ok: true,
      request: { method: request.method, url, headers: headers.toRecord(), body, secrets },
    };
  } catch (error) {
    if (error instanceof BuildError)
      return { ok: false, code: error.code, reason: error.message, secrets };
    return { ok: false, code: 'invalid_request', reason: 'request could not be built', secrets };
  }
}
