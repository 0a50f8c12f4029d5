/**
 * The engine talks to the outside world only through these interfaces.
 * Implementations live outside src/engine (integrations/, conversation/).
 */

/** Outcome class of an outbound call, as seen by `status_transitions` and `_meta.error`. */
export type ApiCallErrorCode =
  | 'timeout'
  | 'network_error'
  | 'blocked_address'
  | 'response_too_large'
  | 'too_many_redirects'
  | 'circuit_open'
  | 'invalid_header'
  | 'invalid_request'
  | 'unknown_integration'
  | 'not_configured'
  | 'deadline_exceeded';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const BODY_TYPES = ['json', 'form', 'multipart', 'text', 'none'] as const;
export type BodyType = (typeof BODY_TYPES)[number];

/** Methods that carry a body (the declared one, or the auto-injected message + variables). */
export const BODY_METHODS: ReadonlySet<string> = new Set<HttpMethod>(['POST', 'PUT', 'PATCH']);

export interface RetryPolicy {
  max_attempts?: number;
  initial_delay_ms?: number;
  max_delay_ms?: number;
  /** e.g. ["network_error", "timeout", "429", "5xx"] */
  on?: string[];
}

/** Who is calling: becomes the X-Sarufi-* headers. */
export interface ApiCallContext {
  user_id: string;
  chatbot_id: string;
  session_id: string;
  channel?: string;
  state?: string;
  flow_name?: string;
  user_name?: string;
}

/**
 * A fully rendered API_CALL: every template has already been rendered by the engine
 * (path and query values URL-encoded per segment). The caller resolves the integration
 * (base URL, auth, secret headers), adds X-Sarufi-* headers and the auto body, and sends it.
 */
export interface ApiCallRequest {
  /** Name of a saved HTTP integration of the chatbot; exclusive with `url`. */
  integration?: string;
  /** Rendered path appended to the integration's base URL. */
  path?: string;
  /** Rendered full URL (legacy mode). */
  url?: string;
  method: HttpMethod;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Declared body (rendered); an object for json/form/multipart, a string for text. */
  body?: unknown;
  body_type: BodyType;
  auto_body: boolean;
  timeout_ms?: number;
  retry?: RetryPolicy;
  include_raw: boolean;
  context: ApiCallContext;
  /** The user's latest message, for the auto-injected body. */
  message: { type: string; text: string };
  /** Current session variables, for the auto-injected body. */
  variables: Record<string, unknown>;
  /**
   * X-Sarufi-Request-Id (and Idempotency-Key) to use; the caller makes one when absent.
   * The outbox passes its row id so every redelivery of a call carries the same id.
   */
  request_id?: string;
}

export interface ApiCallResult {
  /** 0 when no response was received. */
  status_code: number;
  /** Parsed body: JSON when it parses, else text; undefined when there was none. */
  body: unknown;
  /** Lower-case names, secrets removed. */
  headers: Record<string, string>;
  duration_ms: number;
  attempts: number;
  /** Set when the call did not produce a 2xx. For HTTP errors, a short text like "HTTP 404". */
  error?: string;
  error_code?: ApiCallErrorCode;
  /** Raw response text, only when the request asked for include_raw. */
  raw?: string;
  /** Redacted description for the trace: method, URL without query secrets, per-attempt info. */
  trace?: Record<string, unknown>;
}

export interface CallOptions {
  /** Absolute deadline (epoch ms) for the whole call including retries (USSD budget). */
  deadline?: number;
}

export interface HttpCallerPort {
  call(request: ApiCallRequest, options: CallOptions): Promise<ApiCallResult>;
}

export interface Clock {
  now(): Date;
}
