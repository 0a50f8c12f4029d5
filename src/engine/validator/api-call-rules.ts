/** Named outcomes accepted as `status_transitions` keys besides statuses and classes. */
export const OUTCOME_KEYS = [
  'timeout',
  'network_error',
  'blocked_address',
  'response_too_large',
] as const;
/** The failure outcomes a complete failure routing must cover. */
export const FAILURE_OUTCOMES = ['4xx', '5xx', 'timeout', 'network_error'] as const;

export const API_CALL_FIELDS = [
  'type',
  'integration',
  'path',
  'url',
  'method',
  'query',
  'headers',
  'body',
  'body_type',
  'auto_body',
  'save_to',
  'fire_and_forget',
  'success_transition',
  'failure_transition',
  'status_transitions',
  'timeout_ms',
  'retry',
  'directives',
  'include_raw',
];

/** True for `status_transitions` / `retry.on` keys: "404", "4xx", "timeout", "network_error"… */
export function isOutcomeKey(key: string): boolean {
  return (
    /^[1-5][0-9][0-9]$/.test(key) ||
    /^[1-5]xx$/.test(key) ||
    (OUTCOME_KEYS as readonly string[]).includes(key)
  );
}
