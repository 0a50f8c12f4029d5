const TIME = /^(\d{1,2})(?:\s*[:.h]\s*(\d{2})(?::\d{2})?)?\s*(h|hrs|[ap]\.?\s?m\.?)?$/;

/**
 * Reads a time of day as `HH:MM`: `14:30`, `9:05`, `14.30`, `14h30`, `9am`, `9:30 pm`,
 * `12 a.m.` (→ 00:00). A bare number without minutes or am/pm is refused as ambiguous.
 */
export function parseTime(text: string): string | undefined {
  const m = TIME.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  let hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  const suffix = m[3]?.replace(/[.\s]/g, '');
  if (m[2] === undefined && suffix === undefined) return undefined;
  if (suffix === 'am' || suffix === 'pm') {
    if (hours < 1 || hours > 12) return undefined;
    if (suffix === 'am' && hours === 12) hours = 0;
    if (suffix === 'pm' && hours !== 12) hours += 12;
  }
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
