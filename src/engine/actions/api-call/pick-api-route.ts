import type { ApiCallResult } from '../../ports';
import type { ApiOutcomeStatus } from './classify-api-result';

export interface ApiRoutes {
  /** Keys lower-cased: "404", "4xx", "timeout", "network_error", or any error code. */
  status: ReadonlyMap<string, string>;
  success?: string;
  failure?: string;
}

/**
 * Where an API_CALL goes (api-call.md): `status_transitions` first — the error code when the
 * caller refused or cut the call (`deadline_exceeded` also answers to `timeout`), then the exact
 * status, then the class (`4xx`); a refused 2xx (e.g. `response_too_large`) never matches "200"
 * or "2xx" — then
 * `success_transition` / `failure_transition`. Undefined: no route (the runner then follows
 * the state's default transition, or waits).
 */
export function pickApiRoute(
  routes: ApiRoutes,
  result: Pick<ApiCallResult, 'status_code' | 'error_code'>,
  status: ApiOutcomeStatus,
  errorCode: string | undefined = result.error_code,
): string | undefined {
  const code = result.status_code;
  const keys: string[] = [];
  if (errorCode !== undefined) {
    keys.push(errorCode);
    if (errorCode === 'deadline_exceeded') keys.push('timeout');
  }
  const refusedSuccess = errorCode !== undefined && code >= 200 && code < 300;
  if (code > 0 && !refusedSuccess) keys.push(String(code), `${Math.floor(code / 100)}xx`);
  for (const key of keys) {
    const to = routes.status.get(key);
    if (to !== undefined) return to;
  }
  return status === 'success' && errorCode === undefined ? routes.success : routes.failure;
}
