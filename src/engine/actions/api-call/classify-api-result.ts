import type { ApiCallResult } from '../../ports';

export type ApiOutcomeStatus = 'success' | 'error' | 'failure' | 'exception';

/**
 * The `status` of the meta variable (api-call.md): 2xx success, 4xx error, 5xx failure, no
 * response (status 0) exception. A response the caller refused (e.g. `response_too_large`
 * with a 200) is never a success; it counts as an exception unless it carried a 4xx/5xx.
 */
export function classifyApiResult(
  result: Pick<ApiCallResult, 'status_code' | 'error_code'>,
): ApiOutcomeStatus {
  const code = result.status_code;
  if (code >= 500) return 'failure';
  if (code >= 400) return 'error';
  if (code === 0 || result.error_code !== undefined) return 'exception';
  if (code >= 200 && code < 300) return 'success';
  return 'error'; // 1xx/3xx that the caller did not resolve
}

/** The `<save_to>_meta` envelope of seeds/001. `error` holds the error code when there is one. */
export function buildApiMeta(
  result: ApiCallResult,
  status: ApiOutcomeStatus,
  timestamp: string,
  includeRaw: boolean,
): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    status,
    status_code: result.status_code,
    headers: result.headers ?? {},
    timestamp,
    duration_ms: result.duration_ms,
    attempts: result.attempts,
  };
  if (status !== 'success')
    meta.error = result.error_code ?? result.error ?? `HTTP ${result.status_code}`;
  if (includeRaw && result.raw !== undefined) meta.raw = result.raw;
  return meta;
}
