/** What went wrong, independent of transport; only the exception filter maps codes to HTTP. */
export enum ErrorCode {
  BadRequest = 'bad_request',
  ValidationFailed = 'validation_failed',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Gone = 'gone',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  Busy = 'busy',
  Unavailable = 'unavailable',
  /** A failure worth a 500 with an error_id, with a chosen detail (the cause is logged). */
  Internal = 'internal',
}

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Seconds, for rate limits and busy sessions. */
    readonly retryAfter?: number,
    /** Extra fields for the response body (never secrets). */
    readonly extra?: Record<string, unknown>,
    /** For Internal errors: what to log (never sent to the client). */
    override readonly cause?: unknown,
  ) {
    super(detail);
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError(ErrorCode.NotFound, `${what} not found`);
