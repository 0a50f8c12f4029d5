/**
 * Reads a `Retry-After` header (seconds, or an HTTP date) as milliseconds to wait, clamped
 * to [0, maxMs] so a wrong header cannot freeze the widget; null when absent or unreadable.
 */
export function retryAfterMs(
  header: string | null | undefined,
  now = Date.now(),
  maxMs = 120000,
): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) {
    ms = Number(value) * 1000;
  } else {
    // An HTTP date names its day and month; without letters, Date.parse would read "-5" as a year.
    if (!/[a-z]/i.test(value)) return null;
    const at = Date.parse(value);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(maxMs, Math.max(0, Math.ceil(ms)));
}
