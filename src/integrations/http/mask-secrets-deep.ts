import { maskSecretsInData, type RequestSecrets } from './request-secrets';

/**
 * Masks secret values inside a parsed response body (string values and keys at any
 * depth), for backends that echo the request's credentials back. The body is data the flow
 * works on, so the data rule applies: a short secret only where it is a whole value or key.
 */
export function maskSecretsDeep(value: unknown, secrets: RequestSecrets): unknown {
  if (secrets.values.length === 0) return value;
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return maskSecretsInData(secrets, item);
    if (Array.isArray(item)) return item.map(visit);
    if (typeof item === 'object' && item !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(item))
        out[maskSecretsInData(secrets, key)] = visit(child);
      return out;
    }
    return item;
  };
  return visit(value);
}
