import { FLOW_LIMITS } from '../../engine/limits/flow-limits';

/**
 * How long one attempt waits for its answer: the flow's `timeout_ms`, else the integration's
 * `timeout.read_ms`, else the caller's default; never more than FLOW_LIMITS.maxApiTimeoutMs,
 * which the validator holds a flow to (a version stored before the bound may hold more).
 */
export function resolveReadTimeout(
  flowMs: number | undefined,
  integrationMs: number | undefined,
  defaultMs: number,
): number {
  const chosen = positive(flowMs) ?? positive(integrationMs) ?? defaultMs;
  return Math.min(chosen, FLOW_LIMITS.maxApiTimeoutMs);
}

const positive = (value: number | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
