import { FLOW_LIMITS } from '../limits/flow-limits';
import { isOutcomeKey } from './api-call-rules';
import { childPath, show } from './json-path';
import { isNonNegativeInteger, isPositiveInteger, isRecord } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/** Checks an API_CALL `retry` override: `{max_attempts, initial_delay_ms, max_delay_ms, on}`. */
export function checkHttpRetry(retry: unknown, path: string, ctx: ScanContext): void {
  if (!isRecord(retry)) {
    ctx.issues.error(
      path,
      `"retry" must be an object like {"max_attempts": 3}, not ${show(retry)}.`,
    );
    return;
  }
  const { maxRetryAttempts, minRetryDelayMs, maxRetryDelayMs } = FLOW_LIMITS;
  if (
    retry.max_attempts !== undefined &&
    !(isPositiveInteger(retry.max_attempts) && retry.max_attempts <= maxRetryAttempts)
  ) {
    ctx.issues.error(
      childPath(path, 'max_attempts'),
      `"max_attempts" must be a whole number from 1 to ${maxRetryAttempts}, not ${show(retry.max_attempts)}.`,
    );
  }
  for (const key of ['initial_delay_ms', 'max_delay_ms']) {
    const value = retry[key];
    if (
      value !== undefined &&
      !(isNonNegativeInteger(value) && value >= minRetryDelayMs && value <= maxRetryDelayMs)
    ) {
      ctx.issues.error(
        childPath(path, key),
        `"${key}" must be a whole number of milliseconds from ${minRetryDelayMs} to ${maxRetryDelayMs}, not ${show(value)}.`,
      );
    }
  }
  if (retry.on !== undefined) {
    const onPath = childPath(path, 'on');
    if (!Array.isArray(retry.on)) {
      ctx.issues.error(
        onPath,
        `"on" must be a list like ["timeout", "5xx"], not ${show(retry.on)}.`,
      );
    } else {
      retry.on.forEach((item, index) => {
        if (typeof item !== 'string' || !isOutcomeKey(item)) {
          ctx.issues.error(
            childPath(onPath, index),
            `Unknown retry outcome ${show(item)}; use a status, a class like "5xx", "timeout" or "network_error".`,
          );
        }
      });
    }
  }
  warnUnknownFields(
    retry,
    ['max_attempts', 'initial_delay_ms', 'max_delay_ms', 'on'],
    path,
    'retry',
    ctx.issues,
  );
}
