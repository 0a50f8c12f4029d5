/**
 * Whether a widget request may come from `origin` (the browser's `Origin` header): an exact
 * match with one of the integration's `allowed_origins`, or any origin (even none) with `*`.
 * Browsers send `Origin` on every cross-origin fetch, so a request without one is not the
 * widget on an allowed site.
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.includes('*')) return true;
  return origin !== undefined && allowed.includes(origin);
}
