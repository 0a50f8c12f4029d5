import { FLOW_LIMITS } from '../limits/flow-limits';
import { BODY_METHODS, BODY_TYPES, HTTP_METHODS } from '../ports';
import { API_CALL_FIELDS, FAILURE_OUTCOMES, OUTCOME_KEYS, isOutcomeKey } from './api-call-rules';
import { checkHttpRetry } from './check-http-retry';
import { checkHttpParts } from './check-http-parts';
import { checkTarget } from './check-target';
import { checkTemplate } from './check-template';
import { checkVariablePath } from './check-variable-path';
import type { ApiCallFact } from './flow-facts';
import { childPath, show } from './json-path';
import { isPositiveInteger, isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

const FLAGS = ['auto_body', 'fire_and_forget', 'directives', 'include_raw'];

/**
 * API_CALL (api-call.md): endpoint (`integration` + `path`, or `url`), method, request
 * parts, flags, `save_to` and routes. Returns what the routing analyses need.
 */
export function checkApiCall(
  action: JsonObject,
  path: string,
  ctx: ScanContext,
  order: number,
): ApiCallFact {
  const at = (key: string): string => childPath(path, key);
  checkEndpoint(action, path, ctx);
  const method = checkEnum(action.method, at('method'), 'method', HTTP_METHODS, ctx) ?? 'GET';
  const bodyType =
    checkEnum(action.body_type, at('body_type'), 'body_type', BODY_TYPES, ctx) ?? 'json';
  for (const flag of FLAGS) {
    if (action[flag] !== undefined && typeof action[flag] !== 'boolean') {
      ctx.issues.error(at(flag), `"${flag}" must be true or false, not ${show(action[flag])}.`);
    }
  }
  checkHttpParts(action, path, method, bodyType, ctx);
  if (
    action.timeout_ms !== undefined &&
    !(isPositiveInteger(action.timeout_ms) && action.timeout_ms <= FLOW_LIMITS.maxApiTimeoutMs)
  ) {
    ctx.issues.error(
      at('timeout_ms'),
      `"timeout_ms" must be a whole number of milliseconds from 1 to ${FLOW_LIMITS.maxApiTimeoutMs}, not ${show(action.timeout_ms)}.`,
    );
  }
  if (action.retry !== undefined) checkHttpRetry(action.retry, at('retry'), ctx);
  const fireAndForget = action.fire_and_forget === true;
  if (action.directives === true && !fireAndForget) ctx.facts.usesDirectives = true;
  const saveTo = checkSaveTo(action, path, ctx, order, fireAndForget);
  const fact = checkRoutes(action, path, ctx, order, fireAndForget);
  fact.saveTo = saveTo;
  fact.sendsAllVariables =
    BODY_METHODS.has(method) && action.auto_body !== false && bodyType !== 'none';
  warnUnknownFields(action, API_CALL_FIELDS, path, 'an API_CALL action', ctx.issues);
  return fact;
}

function checkEndpoint(action: JsonObject, path: string, ctx: ScanContext): void {
  const hasIntegration = action.integration !== undefined;
  const hasUrl = action.url !== undefined;
  if (hasIntegration && hasUrl) {
    ctx.issues.error(
      childPath(path, 'url'),
      'An API_CALL uses either "integration" (with "path") or "url", not both.',
    );
  } else if (!hasIntegration && !hasUrl) {
    ctx.issues.error(
      path,
      'An API_CALL needs either "integration" (a saved integration, with "path") or "url".',
    );
  }
  if (hasIntegration) checkIntegration(action, path, ctx);
  if (hasUrl) {
    const urlPath = childPath(path, 'url');
    const url = action.url;
    if (typeof url !== 'string' || url.trim() === '') {
      ctx.issues.error(urlPath, `"url" must be a non-empty string, not ${show(url)}.`);
    } else {
      checkTemplate(url, urlPath, ctx);
      if (!url.trimStart().startsWith('{{') && !/^https?:\/\//i.test(url.trim())) {
        ctx.issues.error(urlPath, `"url" ${show(url)} must start with http:// or https://.`);
      }
    }
    if (!hasIntegration && action.path !== undefined) {
      ctx.issues.error(
        childPath(path, 'path'),
        '"path" only applies with "integration"; with "url", write the full URL there.',
      );
    }
  }
}

function checkIntegration(action: JsonObject, path: string, ctx: ScanContext): void {
  const integrationPath = childPath(path, 'integration');
  const name = action.integration;
  if (typeof name !== 'string' || name.trim() === '') {
    ctx.issues.error(
      integrationPath,
      `"integration" must be the name of a saved integration, not ${show(name)}.`,
    );
  } else if (ctx.integrationNames !== null && !ctx.integrationNames.has(name)) {
    ctx.issues.error(
      integrationPath,
      `Integration "${name}" is not a saved integration of this chatbot.`,
    );
  }
  const pathPath = childPath(path, 'path');
  const urlPath = action.path;
  if (urlPath === undefined) {
    ctx.issues.error(
      pathPath,
      `An API_CALL with "integration" needs "path" (use "" for the integration's base URL itself).`,
    );
  } else if (typeof urlPath !== 'string') {
    ctx.issues.error(pathPath, `"path" must be a string, not ${show(urlPath)}.`);
  } else {
    checkTemplate(urlPath, pathPath, ctx);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(urlPath.trim())) {
      ctx.issues.error(
        pathPath,
        `"path" ${show(urlPath)} is appended to the integration's base URL; it must not be a full URL.`,
      );
    }
  }
}

function checkEnum<T extends string>(
  value: unknown,
  path: string,
  field: string,
  allowed: readonly T[],
  ctx: ScanContext,
): T | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  ctx.issues.error(path, `Unknown ${field} ${show(value)}; use one of ${allowed.join(' ')}.`);
  return null;
}

/** Returns the variable the response lands in (null with fire_and_forget or a bad save_to). */
function checkSaveTo(
  action: JsonObject,
  path: string,
  ctx: ScanContext,
  order: number,
  fireAndForget: boolean,
): string | null {
  if (action.save_to === undefined) return fireAndForget ? null : 'response';
  const savePath = childPath(path, 'save_to');
  const root = checkVariablePath(action.save_to, savePath, '"save_to"', ctx.issues);
  if (root === null) return null;
  if (fireAndForget) {
    ctx.issues.warn(savePath, `"save_to" is ignored with fire_and_forget: no variable is set.`);
    return null;
  }
  ctx.state?.writes.push({ root, path: savePath, order, kind: 'api' });
  return root;
}

function checkRoutes(
  action: JsonObject,
  path: string,
  ctx: ScanContext,
  order: number,
  fireAndForget: boolean,
): ApiCallFact {
  const hasSuccess = action.success_transition !== undefined;
  const hasFailure = action.failure_transition !== undefined;
  if (hasSuccess)
    checkTarget(
      action.success_transition,
      childPath(path, 'success_transition'),
      '"success_transition" target',
      ctx,
    );
  if (hasFailure)
    checkTarget(
      action.failure_transition,
      childPath(path, 'failure_transition'),
      '"failure_transition" target',
      ctx,
    );
  const statusKeys = checkStatusTransitions(
    action.status_transitions,
    childPath(path, 'status_transitions'),
    ctx,
  );
  if (fireAndForget) {
    const ignored = [
      'success_transition',
      'failure_transition',
      'status_transitions',
      'directives',
    ].filter((key) => action[key] !== undefined && action[key] !== false);
    if (ignored.length > 0) {
      const list = ignored.map((key) => `"${key}"`).join(', ');
      ctx.issues.warn(
        childPath(path, 'fire_and_forget'),
        `With fire_and_forget no route is taken: ${list} ${ignored.length > 1 ? 'are' : 'is'} ignored.`,
      );
    }
  }
  const uncovered = hasFailure
    ? []
    : FAILURE_OUTCOMES.filter((outcome) => !statusKeys.includes(outcome));
  return {
    path,
    order,
    fireAndForget,
    saveTo: null,
    sendsAllVariables: false,
    hasSuccessRoute: hasSuccess || statusKeys.includes('2xx'),
    hasFailureRoute: hasFailure || uncovered.length === 0,
    uncoveredFailures: uncovered,
  };
}

function checkStatusTransitions(value: unknown, path: string, ctx: ScanContext): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    ctx.issues.error(
      path,
      `"status_transitions" must be an object like {"404": "not_found", "5xx": "later"}, not ${show(value)}.`,
    );
    return [];
  }
  const keys: string[] = [];
  for (const [key, target] of Object.entries(value)) {
    const keyPath = childPath(path, key);
    if (!isOutcomeKey(key)) {
      ctx.issues.error(
        keyPath,
        `Unknown status_transitions key "${key}"; use a status like "404", a class like "4xx", or one of ${OUTCOME_KEYS.join(' ')}.`,
      );
    } else {
      keys.push(key);
    }
    checkTarget(target, keyPath, `status_transitions "${key}" target`, ctx);
  }
  return keys;
}
