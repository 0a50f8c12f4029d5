import { FLOW_LIMITS } from '../../engine';
import type { ApiCallErrorCode, HttpMethod, RetryPolicy } from '../../engine/ports';

export interface EffectiveRetryPolicy {
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
  on: string[];
}

export const DEFAULT_RETRY_POLICY: EffectiveRetryPolicy = {
  max_attempts: 3,
  initial_delay_ms: 200,
  max_delay_ms: 5000,
  on: ['network_error', 'timeout', '429', '5xx'],
};

/** What went wrong with one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: 'status'; status: number }
  | { kind: 'error'; code: ApiCallErrorCode; beforeSend: boolean };

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set<HttpMethod>([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
]);

function finite(value: number | undefined, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.max(min, Math.floor(value))
    : fallback;
}

/**
 * Layers policies field by field, later ones winning (defaults < integration < action), each
 * clamped to FLOW_LIMITS: even a stored flow or integration from before the bounds cannot
 * retry without end or without pause.
 */
export function resolveRetryPolicy(
  base: EffectiveRetryPolicy,
  ...layers: Array<RetryPolicy | undefined>
): EffectiveRetryPolicy {
  let policy = { ...base, on: [...base.on] };
  for (const layer of layers) {
    if (!layer) continue;
    policy = {
      max_attempts: Math.min(
        finite(layer.max_attempts, policy.max_attempts, 1),
        FLOW_LIMITS.maxRetryAttempts,
      ),
      initial_delay_ms: Math.min(
        finite(layer.initial_delay_ms, policy.initial_delay_ms, FLOW_LIMITS.minRetryDelayMs),
        FLOW_LIMITS.maxRetryDelayMs,
      ),
      max_delay_ms: Math.min(
        finite(layer.max_delay_ms, policy.max_delay_ms, FLOW_LIMITS.minRetryDelayMs),
        FLOW_LIMITS.maxRetryDelayMs,
      ),
      on: Array.isArray(layer.on)
        ? layer.on.map((entry) => String(entry).toLowerCase())
        : policy.on,
    };
  }
  return policy;
}

function listed(policy: EffectiveRetryPolicy, failure: AttemptFailure): boolean {
  if (failure.kind === 'error') return policy.on.includes(failure.code);
  const status = String(failure.status);
  return policy.on.includes(status) || policy.on.includes(`${status[0]}xx`);
}

/**
 * Whether a failed attempt may be retried. `policy.on` lists what is retryable at all;
 * on top of that, POST and PATCH (not idempotent) are retried only when the request never
 * left (connection failed before any byte was sent) or the server said 429/503.
 */
export function isRetryable(
  method: HttpMethod,
  failure: AttemptFailure,
  policy: EffectiveRetryPolicy,
): boolean {
  if (failure.kind === 'error' && failure.code !== 'network_error' && failure.code !== 'timeout')
    return false;
  if (!listed(policy, failure)) return false;
  if (IDEMPOTENT.has(method)) return true;
  if (failure.kind === 'status') return failure.status === 429 || failure.status === 503;
  return failure.beforeSend;
}

/**
 * Delay before the attempt following attempt number `attempt` (1-based): exponential
 * backoff with jitter between the minimum delay (FLOW_LIMITS) and the exponential ceiling,
 * capped at `max_delay_ms`; never zero, so a retry loop cannot hammer a backend. A server's Retry-After (ms) replaces
 * the computed delay, still capped.
 */
export function backoffDelay(
  attempt: number,
  policy: EffectiveRetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const floor = Math.min(FLOW_LIMITS.minRetryDelayMs, policy.max_delay_ms);
  if (retryAfterMs !== undefined)
    return Math.min(Math.max(floor, retryAfterMs), policy.max_delay_ms);
  const exponential = policy.initial_delay_ms * 2 ** Math.max(0, attempt - 1);
  const ceiling = Math.max(floor, Math.min(policy.max_delay_ms, exponential));
  return Math.floor(floor + random() * (ceiling - floor));
}
