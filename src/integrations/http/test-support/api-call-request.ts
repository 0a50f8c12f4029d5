import type { ApiCallRequest } from '../../../engine/ports';
import type { HttpIntegrationConfig } from '../http-integration';

/** A rendered API_CALL with sensible test defaults. */
export function apiCallRequest(overrides: Partial<ApiCallRequest> = {}): ApiCallRequest {
  return {
    method: 'GET',
    query: {},
    headers: {},
    body_type: 'json',
    auto_body: true,
    include_raw: false,
    context: { user_id: '255700000001', chatbot_id: '01CHATBOT', session_id: '01SESSION' },
    message: { type: 'text', text: 'hello' },
    variables: { order_id: '42' },
    ...overrides,
  };
}

/** A saved integration pointing at `baseUrl`, with test-sized timeouts. */
export function httpIntegration(
  baseUrl: string,
  overrides: Partial<HttpIntegrationConfig> = {},
): HttpIntegrationConfig {
  return {
    id: '01INTEGRATION',
    name: 'my_backend',
    base_url: baseUrl,
    auth: { type: 'none' },
    headers: {},
    query: {},
    timeout: { connect_ms: 1000, read_ms: 2000 },
    retry: { max_attempts: 3, initial_delay_ms: 1, max_delay_ms: 20 },
    max_response_bytes: 1024 * 1024,
    ...overrides,
  };
}
