import Ajv, { type AnySchema, type ErrorObject } from 'ajv';
import { isGatewayHeader, isHeaderName } from '../http/header-rules';
import { FieldIssues, isRecord } from './field-issues';

/**
 * Declarative checks of request bodies: a JSON Schema per body (Ajv), whose problems come
 * back as `{path, message}` in the API's path style (`auth.token`, `retry.on[1]`).
 *
 * - A schema node may carry `message`: the sentence shown for any problem with that value.
 *   Messages never quote the value (it may be a secret).
 * - Unknown fields (`additionalProperties: false`) read "Unknown field." and come first; the
 *   rest follow in the order of the body's own fields, then the schema's.
 * - One problem per path: the first one found.
 */
const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true });
ajv.addKeyword({ keyword: 'message', schemaType: 'string' });
// HTTP header names: `httpToken: true` (an RFC 9110 token), `gatewayHeader: false` (not one
// only the gateway sets: framing headers and X-Sarufi-*).
ajv.addKeyword({
  keyword: 'httpToken',
  type: 'string',
  schemaType: 'boolean',
  validate: (want: boolean, name: string) => isHeaderName(name) === want,
});
ajv.addKeyword({
  keyword: 'gatewayHeader',
  type: 'string',
  schemaType: 'boolean',
  validate: (want: boolean, name: string) => isGatewayHeader(name) === want,
});

export type BodyCheck = (input: Record<string, unknown>, issues: FieldIssues) => void;

/** Compiles a schema once into a check that adds its problems to `issues`. */
export function schemaCheck(schema: AnySchema): BodyCheck {
  const validate = ajv.compile(schema);
  return (input, issues) => {
    if (validate(input)) return;
    const found: Array<{ path: string; message: string; unknown: boolean; order: number[] }> = [];
    for (const error of validate.errors ?? []) {
      const issue = describe(error, input);
      if (issue && !found.some((f) => f.path === issue.path)) found.push(issue);
    }
    found.sort((a, b) => Number(b.unknown) - Number(a.unknown) || compareOrder(a.order, b.order));
    for (const f of found) issues.add(f.path, f.message);
  };
}

function describe(error: ErrorObject, input: unknown) {
  const at = segments(error.instancePath);
  const node = error.parentSchema as { message?: string; properties?: Record<string, unknown> };
  switch (error.keyword) {
    case 'additionalProperties':
      return issue([...at, String(error.params.additionalProperty)], 'Unknown field.', true);
    case 'required': {
      const missing = [...at, String(error.params.missingProperty)];
      return issue(missing, `${pathOf(missing, input)} is required.`);
    }
    case 'discriminator':
      return issue([...at, 'type'], node.message ?? `${pathOf(at, input)}.type is not valid.`);
    case 'propertyNames':
    case 'if':
      return null; // reported by the inner schema that failed, with its own path
    default: {
      const named = (error as ErrorObject & { propertyName?: string }).propertyName;
      const where = named === undefined ? at : [...at, named];
      return issue(where, node.message ?? `${pathOf(where, input)} is not valid.`);
    }
  }

  function issue(where: string[], message: string, unknown = false) {
    return { path: pathOf(where, input), message, unknown, order: orderOf(where, input) };
  }
}

/** JSON Pointer → segments. */
function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `auth.headers.X-A`, `retry.on[1]`: a segment under an array is an index. */
function pathOf(where: string[], input: unknown): string {
  let path = '';
  let value = input;
  for (const segment of where) {
    if (Array.isArray(value)) {
      path += `[${segment}]`;
      value = value[Number(segment)];
    } else {
      path = path === '' ? segment : `${path}.${segment}`;
      value = isRecord(value) ? value[segment] : undefined;
    }
  }
  return path;
}

/** Where a path falls in the body: field positions as sent (missing fields after). */
function orderOf(where: string[], input: unknown): number[] {
  const order: number[] = [];
  let value = input;
  for (const segment of where) {
    if (Array.isArray(value)) {
      order.push(Number(segment));
      value = value[Number(segment)];
    } else {
      const keys = isRecord(value) ? Object.keys(value) : [];
      const index = keys.indexOf(segment);
      order.push(index === -1 ? keys.length : index);
      value = isRecord(value) ? value[segment] : undefined;
    }
  }
  return order;
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
