import { decodeQueryKey } from './query-encoding';
import { maskSecrets, type RequestSecrets } from './request-secrets';

/**
 * The URL as it may appear in traces and logs: no user info, no fragment, and the value
 * of any query parameter that carried a secret (or contains one) replaced by `***`.
 */
export function traceUrl(url: URL, secrets: RequestSecrets): string {
  const base = `${url.protocol}//${url.host}${url.pathname}`;
  const search = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  if (search === '') return maskSecrets(secrets, base);
  const pairs = search.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    if (eq < 0) return key;
    const value = pair.slice(eq + 1);
    if (secrets.queryParams.has(decodeQueryKey(key))) return `${key}=***`;
    let decoded = value;
    try {
      decoded = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      // keep the raw text
    }
    const hidden = secrets.values.some((s) => decoded.includes(s) || value.includes(s));
    return `${key}=${hidden ? '***' : value}`;
  });
  return maskSecrets(secrets, `${base}?${pairs.join('&')}`);
}
