/**
 * `text` cut to at most `max` UTF-16 units, `tail` included, when it is longer; the cut never
 * falls inside a surrogate pair (a lone surrogate is not valid JSON text for PostgreSQL).
 */
export function shortenText(text: string, max: number, tail = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - tail.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${tail}`;
}
