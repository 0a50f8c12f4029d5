import { newId } from '../../common/new-id';
import type {
  ApiCallErrorCode,
  ApiCallRequest,
  ApiCallResult,
  CallOptions,
  HttpCallerPort,
  RetryPolicy,
} from '../../engine/ports';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';
import type { HttpIntegrationConfig, IntegrationResolver } from './http-integration';
import { maskSecretsDeep } from './mask-secrets-deep';
import { parseResponseBody } from './parse-response-body';
import { redactResponseHeaders } from './redact-response-headers';
import { buildHttpRequest, type PreparedRequest } from './request-builder';
import {
  emptySecrets,
  maskSecrets,
  maskSecretsInData,
  type RequestSecrets,
} from './request-secrets';
import { resolveReadTimeout } from './read-timeout';
import { parseRetryAfter } from './retry-after';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  resolveRetryPolicy,
  type AttemptFailure,
  type EffectiveRetryPolicy,
} from './retry-policy';
import { sendHop, type Hop, type HopLimits, type HopResult } from './send-hop';
import { SsrfGuard, type HostLookup } from './ssrf-guard';
import { traceUrl } from './trace-url';

export interface HttpCallerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface HttpCallerDefaults {
  connect_ms: number;
  read_ms: number;
  max_response_bytes: number;
  max_redirects: number;
  retry: EffectiveRetryPolicy;
}

export interface HttpCallerOptions {
  resolveIntegration: IntegrationResolver;
  /** OUTBOUND_ALLOW_HOSTS: hosts or CIDRs reachable despite the SSRF rules (see SsrfGuard). */
  allowHosts: string[];
  /** e.g. `sarufi-gateway/0.1.0`. */
  userAgent: string;
  logger?: HttpCallerLogger;
  /** DNS resolution (all addresses); tests inject one. */
  lookup?: HostLookup;
  breaker?: CircuitBreakerOptions;
  defaults?: Partial<Omit<HttpCallerDefaults, 'retry'>> & { retry?: RetryPolicy };
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Clock in epoch ms (deadlines, durations). */
  now?: () => number;
}

export const DEFAULT_HTTP_CALLER_DEFAULTS: HttpCallerDefaults = {
  connect_ms: 3000,
  read_ms: 10_000,
  max_response_bytes: 1024 * 1024,
  max_redirects: 3,
  retry: DEFAULT_RETRY_POLICY,
};

type AttemptOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, unknown>;
      data: Buffer;
      truncated: boolean;
    }
  | { kind: 'error'; code: ApiCallErrorCode; beforeSend: boolean; status?: number; cause?: string };

interface AttemptTrace {
  attempt: number;
  status_code: number;
  duration_ms: number;
  error?: string;
  cause?: string;
  redirects?: number;
}

interface CallLimits extends HopLimits {
  maxRedirects: number;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Executes a flow's API_CALL against a business backend: resolves the integration,
 * builds the request (auth, X-Sarufi-* headers, auto body), and sends it through the SSRF
 * guard with timeouts, retries with backoff, a per-host circuit breaker, a response size
 * cap and checked redirects. Never throws; secrets never appear in what it returns or logs.
 */
export class HttpCaller implements HttpCallerPort {
  private readonly guard: SsrfGuard;
  private readonly breaker: CircuitBreaker;
  private readonly defaults: HttpCallerDefaults;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: HttpCallerOptions) {
    this.guard = new SsrfGuard({ allowHosts: options.allowHosts, lookup: options.lookup });
    this.breaker = new CircuitBreaker(options.breaker);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const given = options.defaults ?? {};
    this.defaults = {
      connect_ms: positive(given.connect_ms, DEFAULT_HTTP_CALLER_DEFAULTS.connect_ms),
      read_ms: positive(given.read_ms, DEFAULT_HTTP_CALLER_DEFAULTS.read_ms),
      max_response_bytes: positive(
        given.max_response_bytes,
        DEFAULT_HTTP_CALLER_DEFAULTS.max_response_bytes,
      ),
      max_redirects:
        typeof given.max_redirects === 'number' && given.max_redirects >= 0
          ? Math.floor(given.max_redirects)
          : DEFAULT_HTTP_CALLER_DEFAULTS.max_redirects,
      retry: resolveRetryPolicy(DEFAULT_RETRY_POLICY, given.retry),
    };
  }

  async call(request: ApiCallRequest, options: CallOptions): Promise<ApiCallResult> {
    const started = this.now();
    // The outbox passes its own id so every redelivery carries the same request id.
    const requestId =
      typeof request.request_id === 'string' && /^[\x21-\x7e]{1,128}$/.test(request.request_id)
        ? request.request_id
        : newId();
    const deadline = typeof options?.deadline === 'number' ? options.deadline : undefined;
    const attempts: AttemptTrace[] = [];
    let secrets: RequestSecrets = emptySecrets();
    let prepared: PreparedRequest | undefined;
    let integration: HttpIntegrationConfig | null = null;

    const fail = (code: ApiCallErrorCode, status = 0): ApiCallResult =>
      this.finish(
        request,
        { status_code: status, body: undefined, headers: {}, error: code, error_code: code },
        {
          requestId,
          started,
          attempts,
          secrets,
          prepared,
          integration,
        },
      );

    try {
      if (deadline !== undefined && deadline <= started) return fail('deadline_exceeded');
      if (request.integration) {
        integration = await this.options.resolveIntegration(
          request.context.chatbot_id,
          request.integration,
        );
        if (!integration) return fail('unknown_integration');
      }
      const built = buildHttpRequest({
        request,
        integration,
        requestId,
        userAgent: this.options.userAgent,
      });
      secrets = built.ok ? built.request.secrets : built.secrets;
      if (!built.ok) return fail(built.code);
      prepared = built.request;

      const policy = resolveRetryPolicy(this.defaults.retry, integration?.retry, request.retry);
      const limits: CallLimits = {
        connectMs: positive(integration?.timeout?.connect_ms, this.defaults.connect_ms),
        readMs: resolveReadTimeout(
          request.timeout_ms,
          integration?.timeout?.read_ms,
          this.defaults.read_ms,
        ),
        maxResponseBytes: positive(
          integration?.max_response_bytes,
          this.defaults.max_response_bytes,
        ),
        maxRedirects: this.defaults.max_redirects,
        deadline,
      };
      const breakerKey = prepared.url.host.toLowerCase();

      let last: AttemptOutcome | undefined;
      for (;;) {
        if (deadline !== undefined && this.now() >= deadline) {
          if (!last) return fail('deadline_exceeded');
          break;
        }
        if (!this.breaker.tryAcquire(breakerKey)) {
          if (!last) return fail('circuit_open');
          break;
        }
        const attemptStarted = this.now();
        let outcome: AttemptOutcome;
        let redirects = 0;
        try {
          ({ outcome, redirects } = await this.attempt(prepared, limits));
        } catch {
          // Never leave a half-open trial slot taken.
          outcome = { kind: 'error', code: 'network_error', beforeSend: false };
        }
        this.recordBreaker(breakerKey, outcome);
        last = outcome;
        attempts.push({
          attempt: attempts.length + 1,
          status_code: outcome.kind === 'response' ? outcome.status : (outcome.status ?? 0),
          duration_ms: this.now() - attemptStarted,
          ...(outcome.kind === 'error'
            ? { error: outcome.code, ...(outcome.cause ? { cause: outcome.cause } : {}) }
            : outcome.truncated
              ? { error: 'response_too_large' }
              : outcome.status < 200 || outcome.status > 299
                ? { error: `HTTP ${outcome.status}` }
                : {}),
          ...(redirects > 0 ? { redirects } : {}),
        });

        const failure = this.retryableFailure(outcome);
        if (
          !failure ||
          attempts.length >= policy.max_attempts ||
          !isRetryable(prepared.method, failure, policy)
        )
          break;
        const retryAfterMs =
          outcome.kind === 'response'
            ? parseRetryAfter(headerText(outcome.headers, 'retry-after'), this.now())
            : undefined;
        const delay = backoffDelay(attempts.length, policy, this.random, retryAfterMs);
        if (deadline !== undefined && this.now() + delay >= deadline) break;
        await sleep(delay);
      }
      return this.finish(request, this.toResult(last, request.include_raw, secrets), {
        requestId,
        started,
        attempts,
        secrets,
        prepared,
        integration,
      });
    } catch {
      // Defensive: the port promises a result, never an exception.
      return fail('network_error');
    }
  }

  /** One attempt: the request and up to `maxRedirects` redirects, each hop checked afresh. */
  private async attempt(
    prepared: PreparedRequest,
    limits: CallLimits,
  ): Promise<{ outcome: AttemptOutcome; redirects: number }> {
    let hop: Hop = {
      method: prepared.method,
      url: prepared.url,
      headers: { ...prepared.headers },
      body: prepared.body,
    };
    for (let redirects = 0; ; redirects++) {
      const result: HopResult = await sendHop(hop, limits, { guard: this.guard, now: this.now });
      if (result.kind === 'error') return { outcome: result, redirects };
      if (result.kind === 'response') return { outcome: { ...result }, redirects };
      const emptyRedirect: AttemptOutcome = {
        kind: 'response',
        status: result.status,
        headers: result.headers,
        data: Buffer.alloc(0),
        truncated: false,
      };
      let next: URL;
      try {
        next = new URL(result.location, hop.url);
      } catch {
        return { outcome: emptyRedirect, redirects };
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return { outcome: emptyRedirect, redirects };
      if (redirects >= limits.maxRedirects) {
        return {
          outcome: {
            kind: 'error',
            code: 'too_many_redirects',
            beforeSend: false,
            status: result.status,
          },
          redirects,
        };
      }
      hop = this.redirectHop(hop, next, result.status, prepared.secrets);
    }
  }

  private redirectHop(hop: Hop, next: URL, status: number, secrets: RequestSecrets): Hop {
    next.hash = '';
    const headers = { ...hop.headers };
    if (next.origin !== hop.url.origin) {
      // Credentials were meant for the original host only.
      for (const name of Object.keys(headers)) {
        const lower = name.toLowerCase();
        if (
          secrets.headerNames.has(lower) ||
          lower === 'authorization' ||
          lower === 'cookie' ||
          lower === 'proxy-authorization'
        ) {
          delete headers[name];
        }
      }
    }
    const toGet =
      (status === 303 && hop.method !== 'HEAD') ||
      ((status === 301 || status === 302) && hop.method === 'POST');
    if (!toGet) return { method: hop.method, url: next, headers, body: hop.body };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-type') delete headers[name];
    }
    return { method: 'GET', url: next, headers, body: undefined };
  }

  private recordBreaker(key: string, outcome: AttemptOutcome): void {
    if (outcome.kind === 'response') {
      if (outcome.status >= 500) this.breaker.recordFailure(key);
      else this.breaker.recordSuccess(key);
      return;
    }
    if (outcome.code === 'timeout' || outcome.code === 'network_error')
      this.breaker.recordFailure(key);
    else if (outcome.code === 'too_many_redirects') this.breaker.recordSuccess(key);
    else this.breaker.release(key);
  }

  private retryableFailure(outcome: AttemptOutcome): AttemptFailure | undefined {
    if (outcome.kind === 'error')
      return { kind: 'error', code: outcome.code, beforeSend: outcome.beforeSend };
    if (outcome.truncated) return undefined;
    if (outcome.status >= 200 && outcome.status <= 299) return undefined;
    return { kind: 'status', status: outcome.status };
  }

  private toResult(
    outcome: AttemptOutcome | undefined,
    includeRaw: boolean,
    secrets: RequestSecrets,
  ): Omit<ApiCallResult, 'duration_ms' | 'attempts' | 'trace'> {
    if (!outcome)
      return {
        status_code: 0,
        body: undefined,
        headers: {},
        error: 'network_error',
        error_code: 'network_error',
      };
    if (outcome.kind === 'error') {
      return {
        status_code: outcome.status ?? 0,
        body: undefined,
        headers: {},
        error: outcome.code,
        error_code: outcome.code,
      };
    }
    const headers = redactResponseHeaders(outcome.headers, secrets);
    if (outcome.truncated) {
      return {
        status_code: outcome.status,
        body: undefined,
        headers,
        error: 'response_too_large',
        error_code: 'response_too_large',
      };
    }
    const { body, text } = parseResponseBody(
      outcome.data,
      headerText(outcome.headers, 'content-type'),
    );
    const ok = outcome.status >= 200 && outcome.status <= 299;
    return {
      status_code: outcome.status,
      body: maskSecretsDeep(body, secrets),
      headers,
      ...(ok ? {} : { error: `HTTP ${outcome.status}` }),
      ...(includeRaw ? { raw: maskSecretsInData(secrets, text) } : {}),
    };
  }

  private finish(
    request: ApiCallRequest,
    partial: Omit<ApiCallResult, 'duration_ms' | 'attempts' | 'trace'>,
    ctx: {
      requestId: string;
      started: number;
      attempts: AttemptTrace[];
      secrets: RequestSecrets;
      prepared?: PreparedRequest;
      integration: HttpIntegrationConfig | null;
    },
  ): ApiCallResult {
    const duration = this.now() - ctx.started;
    const url = ctx.prepared
      ? traceUrl(ctx.prepared.url, ctx.secrets)
      : this.fallbackTraceUrl(request, ctx.secrets);
    const trace: Record<string, unknown> = {
      request_id: ctx.requestId,
      method: ctx.prepared?.method ?? request.method,
      url,
      ...(request.integration ? { integration: request.integration } : {}),
      status_code: partial.status_code,
      attempts: ctx.attempts,
      duration_ms: duration,
      ...(partial.error_code ? { error_code: partial.error_code } : {}),
      ...(partial.error ? { error: partial.error } : {}),
    };
    const result: ApiCallResult = {
      ...partial,
      duration_ms: duration,
      attempts: ctx.attempts.length,
      trace,
    };
    const log = {
      request_id: ctx.requestId,
      chatbot_id: request.context?.chatbot_id,
      method: ctx.prepared?.method ?? request.method,
      url,
      integration: request.integration,
      status_code: partial.status_code,
      attempts: ctx.attempts.length,
      attempt_details: ctx.attempts,
      duration_ms: duration,
      error_code: partial.error_code,
      error: partial.error,
    };
    if (partial.error) this.options.logger?.warn(log, 'outbound API call failed');
    else this.options.logger?.info(log, 'outbound API call');
    return result;
  }

  /** Trace URL when the request could not be built: as little as is safe to show. */
  private fallbackTraceUrl(request: ApiCallRequest, secrets: RequestSecrets): string | undefined {
    const text = request.url ?? request.path;
    if (!text) return undefined;
    try {
      const url = new URL(text, 'http://invalid.invalid');
      const shown = request.url ? `${url.protocol}//${url.host}${url.pathname}` : url.pathname;
      return maskSecrets(secrets, shown);
    } catch {
      return undefined;
    }
  }
}
