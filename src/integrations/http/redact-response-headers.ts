import { dataContainsSecret, type RequestSecrets } from './request-secrets';

/** Response headers that carry credentials or session state; never handed to a flow. */
const ALWAYS_REMOVED: ReadonlySet<string> = new Set([
  'set-cookie',
  'cookie',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'authentication-info',
  'proxy-authentication-info',
]);

/**
 * Lower-cases header names, joins repeated values with `, `, and removes credential
 * headers, headers named like one that carried a secret, and any header whose value
 * echoes a secret (as maskSecretsInData finds it: the flow reads these as data).
 */
export function redactResponseHeaders(
  raw: Record<string, unknown>,
  secrets: RequestSecrets,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (ALWAYS_REMOVED.has(lower) || secrets.headerNames.has(lower)) continue;
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value)
      ? value.map((v) => String(v)).join(', ')
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
    if (dataContainsSecret(secrets, text)) continue;
    headers[lower] = text;
  }
  return headers;
}
