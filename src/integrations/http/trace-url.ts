import { maskSecrets, type RequestSecrets } from './request-secrets';

/**
 * The URL as it may appear in traces and logs: no user info, no fragment, and every query
 * value replaced by `***` (names kept). A legacy URL's query can carry credentials or
 * personal data that we cannot tell apart, so no value is shown.
 */
export function traceUrl(url: URL, secrets: RequestSecrets): string {
  const base = `${url.protocol}//${url.host}${url.pathname}`;
  const search = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  if (search === '') return maskSecrets(secrets, base);
  const pairs = search.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? pair : `${pair.slice(0, eq)}=***`;
  });
  return maskSecrets(secrets, `${base}?${pairs.join('&')}`);
}
