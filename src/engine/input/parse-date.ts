/** Month names and abbreviations (English and Swahili), lower case, to month number. */
const MONTHS: ReadonlyMap<string, number> = new Map(
  [
    ['january', 'jan', 'januari'],
    ['february', 'feb', 'februari'],
    ['march', 'mar', 'machi'],
    ['april', 'apr', 'aprili'],
    ['may', 'mei'],
    ['june', 'jun', 'juni'],
    ['july', 'jul', 'julai'],
    ['august', 'aug', 'agosti'],
    ['september', 'sep', 'sept', 'septemba'],
    ['october', 'oct', 'oktoba'],
    ['november', 'nov', 'novemba'],
    ['december', 'dec', 'desemba'],
  ].flatMap((names, i) => names.map((name) => [name, i + 1] as const)),
);

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/;
const DAY_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{4})$/;
const MONTH_NAME_DAY = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;

function toIso(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Reads a date as `YYYY-MM-DD` from ISO (`2026-11-22`) or day-first forms (`22/11/2026`,
 * `22-11-2026`, `22.11.2026`, `22/11/26`, `22 Nov 2026`, `22nd November 2026`, `Nov 22, 2026`).
 * Two-digit years are 20xx. Impossible dates (31/02) are rejected.
 */
export function parseDate(text: string): string | undefined {
  const s = text.trim().toLowerCase();
  let m = ISO.exec(s);
  if (m) return toIso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_FIRST.exec(s);
  if (m) {
    const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return toIso(year, Number(m[2]), Number(m[1]));
  }
  m = DAY_MONTH_NAME.exec(s);
  if (m) {
    const month = MONTHS.get(m[2]);
    return month === undefined ? undefined : toIso(Number(m[3]), month, Number(m[1]));
  }
  m = MONTH_NAME_DAY.exec(s);
  if (m) {
    const month = MONTHS.get(m[1]);
    return month === undefined ? undefined : toIso(Number(m[3]), month, Number(m[2]));
  }
  return undefined;
}
