import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ApiCallRequest, ApiCallResult, HttpCallerPort } from '../engine';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers';
import { HTTP_CALLER } from './integrations.tokens';

/** Worth another try later: no answer, throttled, or a server error. Client errors are final. */
export function isRetryableOutcome(r: ApiCallResult): boolean {
  if (r.status_code === 0)
    return (
      r.error_code !== 'blocked_address' &&
      r.error_code !== 'invalid_header' &&
      r.error_code !== 'unknown_integration' &&
      r.error_code !== 'invalid_request'
    );
  return r.status_code === 429 || r.status_code >= 500;
}

/** Delivers fire-and-forget API_CALLs (outbox kind `api_call`) through the HTTP caller. */
@Injectable()
export class ApiCallOutboxHandler implements OutboxHandler, OnModuleInit {
  readonly kind = 'api_call';

  constructor(
    @Inject(HTTP_CALLER) private readonly http: HttpCallerPort,
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(row: OutboxDelivery): Promise<DeliveryResult> {
    const { request } = row.payload as { request: ApiCallRequest };
    // The row id is the request id: every redelivery carries the same X-Sarufi-Request-Id and
    // Idempotency-Key, so the backend can tell a retry from a new call.
    const result = await this.http.call({ ...request, request_id: row.id }, {});
    if (result.status_code >= 200 && result.status_code < 300)
      return { ok: true, detail: `HTTP ${result.status_code}` };
    return {
      ok: false,
      retryable: isRetryableOutcome(result),
      error: result.error ?? `HTTP ${result.status_code}`,
    };
  }
}
