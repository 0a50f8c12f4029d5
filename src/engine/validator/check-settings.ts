import { FLOW_LIMITS } from '../limits/flow-limits';
import type { IssueCollector } from './issue-collector';
import { childPath, show } from './json-path';
import { isNonNegativeInteger, isPositiveInteger, isRecord } from './json-guards';
import { warnUnknownFields } from './warn-unknown-fields';

export const SETTINGS_BUCKET = 1;

const RULES: Record<string, { test: (value: unknown) => boolean; expected: string }> = {
  session_timeout_minutes: {
    test: (value) =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value > 0 &&
      value <= FLOW_LIMITS.maxSessionTimeoutMinutes,
    expected: `a number of minutes above 0 and at most ${FLOW_LIMITS.maxSessionTimeoutMinutes} (30 days)`,
  },
  handoff_idle_release_minutes: {
    test: (value) =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value > 0 &&
      value <= FLOW_LIMITS.maxSessionTimeoutMinutes,
    expected: `a number of minutes above 0 and at most ${FLOW_LIMITS.maxSessionTimeoutMinutes} (30 days)`,
  },
  fallback_message: { test: (value) => typeof value === 'string', expected: 'a string' },
  max_input_retries: {
    test: (value) => isNonNegativeInteger(value) && value <= FLOW_LIMITS.maxInputRetries,
    expected: `a whole number from 0 to ${FLOW_LIMITS.maxInputRetries}`,
  },
  max_auto_steps: {
    test: (value) => isPositiveInteger(value) && value <= FLOW_LIMITS.maxAutoSteps,
    expected: `a whole number from 1 to ${FLOW_LIMITS.maxAutoSteps}`,
  },
};

/** Checks `settings`: per-flow overrides of the server defaults. */
export function checkSettings(settings: unknown, issues: IssueCollector): void {
  issues.setBucket(SETTINGS_BUCKET);
  if (settings === undefined) return;
  if (!isRecord(settings)) {
    issues.error('settings', `"settings" must be an object, not ${show(settings)}.`);
    return;
  }
  for (const [key, rule] of Object.entries(RULES)) {
    const value = settings[key];
    if (value !== undefined && !rule.test(value)) {
      issues.error(
        childPath('settings', key),
        `"${key}" must be ${rule.expected}, not ${show(value)}.`,
      );
    }
  }
  warnUnknownFields(settings, Object.keys(RULES), 'settings', 'settings', issues);
}
