import type { HttpIntegrationAuth } from '../http/http-integration';
import type { FieldIssues } from './field-issues';
import { SECRET_MASK } from './http-integration-input';

/** The secret parts of an integration as stored (decrypted): null when there is nothing stored (create). */
export interface StoredSecrets {
  auth: HttpIntegrationAuth;
  headers: Record<string, string>;
}

const NOTHING_TO_KEEP = `"${SECRET_MASK}" keeps the stored value, but there is no stored value here to keep.`;

function lookup(map: Record<string, string> | undefined, name: string): string | undefined {
  if (!map) return undefined;
  if (Object.hasOwn(map, name)) return map[name];
  const lower = name.toLowerCase();
  const key = Object.keys(map).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : map[key];
}

function keepMap(
  given: Record<string, string>,
  stored: Record<string, string> | undefined,
  path: string,
  issues: FieldIssues,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== SECRET_MASK) {
      out[name] = value;
      continue;
    }
    const kept = lookup(stored, name);
    if (kept === undefined) issues.add(`${path}.${name}`, NOTHING_TO_KEEP);
    else out[name] = kept;
  }
  return out;
}

/**
 * Replaces every secret value sent as `***` by the stored value of the same field (so a
 * client can PATCH back the body it got from GET). A `***` with nothing to keep (a create,
 * another auth type, a new header) is a validation problem.
 */
export function keepMaskedAuth(
  given: HttpIntegrationAuth,
  stored: HttpIntegrationAuth | null,
  issues: FieldIssues,
): HttpIntegrationAuth {
  const keep = (value: string, field: string, storedValue: string | undefined): string => {
    if (value !== SECRET_MASK) return value;
    if (storedValue === undefined) {
      issues.add(`auth.${field}`, NOTHING_TO_KEEP);
      return value;
    }
    return storedValue;
  };
  switch (given.type) {
    case 'none':
      return given;
    case 'bearer':
      return {
        ...given,
        token: keep(given.token, 'token', stored?.type === 'bearer' ? stored.token : undefined),
      };
    case 'api_key':
      return {
        ...given,
        key: keep(given.key, 'key', stored?.type === 'api_key' ? stored.key : undefined),
      };
    case 'basic':
      return {
        ...given,
        username: keep(
          given.username,
          'username',
          stored?.type === 'basic' ? stored.username : undefined,
        ),
        password: keep(
          given.password,
          'password',
          stored?.type === 'basic' ? stored.password : undefined,
        ),
      };
    case 'headers':
      return {
        ...given,
        headers: keepMap(
          given.headers,
          stored?.type === 'headers' ? stored.headers : undefined,
          'auth.headers',
          issues,
        ),
      };
  }
}

/** Same for the integration's secret `headers` map. */
export function keepMaskedHeaders(
  given: Record<string, string>,
  stored: Record<string, string> | null,
  issues: FieldIssues,
): Record<string, string> {
  return keepMap(given, stored ?? undefined, 'headers', issues);
}
