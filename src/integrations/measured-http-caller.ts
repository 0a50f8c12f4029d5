import { classifyApiResult } from '../engine';
import type { ApiCallRequest, ApiCallResult, CallOptions, HttpCallerPort } from '../engine';
import type { MetricsService } from '../metrics/metrics.service';

/** Records API_CALL latency and outcome (success/error/failure/exception) by integration. */
export class MeasuredHttpCaller implements HttpCallerPort {
  constructor(
    private readonly inner: HttpCallerPort,
    private readonly metrics: MetricsService,
  ) {}

  async call(request: ApiCallRequest, options: CallOptions): Promise<ApiCallResult> {
    const result = await this.inner.call(request, options);
    const integration = request.integration ?? 'url';
    this.metrics.apiCalls.inc({ integration, status: classifyApiResult(result) });
    this.metrics.apiCallDuration.observe({ integration }, result.duration_ms / 1000);
    return result;
  }
}
