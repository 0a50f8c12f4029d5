import { BODY_METHODS } from '../ports';
import { checkTemplate } from './check-template';
import { checkTemplatesDeep } from './check-templates-deep';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import type { ScanContext } from './scan-context';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks an API_CALL's `query`, `headers` and `body`; every string in them is a template. */
export function checkHttpParts(
  action: JsonObject,
  path: string,
  method: string,
  bodyType: string,
  ctx: ScanContext,
): void {
  if (action.query !== undefined) checkQuery(action.query, childPath(path, 'query'), ctx);
  if (action.headers !== undefined) checkHeaders(action.headers, childPath(path, 'headers'), ctx);
  if (action.body !== undefined)
    checkBody(action.body, childPath(path, 'body'), method, bodyType, ctx);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function checkQuery(query: unknown, path: string, ctx: ScanContext): void {
  if (!isRecord(query)) {
    ctx.issues.error(
      path,
      `"query" must be an object of parameter name to value, not ${show(query)}.`,
    );
    return;
  }
  for (const [key, value] of Object.entries(query)) {
    const keyPath = childPath(path, key);
    const ok = isScalar(value) || value === null || (Array.isArray(value) && value.every(isScalar));
    if (!ok) {
      ctx.issues.error(
        keyPath,
        `Query parameter "${key}" must be a string, number, boolean or a list of those, not ${show(value)}.`,
      );
      continue;
    }
    checkTemplatesDeep(value, keyPath, ctx);
  }
}

function checkHeaders(headers: unknown, path: string, ctx: ScanContext): void {
  if (!isRecord(headers)) {
    ctx.issues.error(
      path,
      `"headers" must be an object of header name to value, not ${show(headers)}.`,
    );
    return;
  }
  for (const [name, value] of Object.entries(headers)) {
    const namePath = childPath(path, name);
    if (!HEADER_NAME.test(name)) {
      ctx.issues.error(namePath, `${show(name)} is not a valid HTTP header name.`);
      continue;
    }
    if (name.toLowerCase().startsWith('x-sarufi-')) {
      ctx.issues.warn(
        namePath,
        `Header "${name}" is set by the engine and cannot be overwritten; this value is ignored.`,
      );
    }
    if (typeof value === 'number' || typeof value === 'boolean') continue;
    if (typeof value !== 'string') {
      ctx.issues.error(namePath, `Header "${name}" must have a string value, not ${show(value)}.`);
      continue;
    }
    if (/[\r\n]/.test(value)) {
      ctx.issues.error(namePath, `Header "${name}" contains a line break, which is never sent.`);
      continue;
    }
    checkTemplate(value, namePath, ctx);
  }
}

function checkBody(
  body: unknown,
  path: string,
  method: string,
  bodyType: string,
  ctx: ScanContext,
): void {
  if (!BODY_METHODS.has(method)) {
    ctx.issues.warn(path, `${method} requests send no body; "body" is ignored.`);
  } else if (bodyType === 'none') {
    ctx.issues.warn(path, 'body_type "none" sends no body; "body" is ignored.');
  }
  if (typeof body === 'string') {
    if (bodyType === 'form' || bodyType === 'multipart') {
      ctx.issues.error(path, `A ${bodyType} body must be an object of fields, not a string.`);
    }
    checkTemplate(body, path, ctx);
    return;
  }
  if (!isRecord(body) && !Array.isArray(body)) {
    ctx.issues.error(
      path,
      `"body" must be an object (or a string for body_type "text"), not ${show(body)}.`,
    );
    return;
  }
  if (bodyType === 'text') ctx.issues.error(path, 'body_type "text" needs a string "body".');
  checkTemplatesDeep(body, path, ctx);
}
