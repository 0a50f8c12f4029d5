/**
 * Reads a number typed by a user: `42`, `-3.5`, `1,234.50`, `1 234`, `2,5` (decimal comma).
 * Commas grouping digits by three are thousands separators; a single other comma is a decimal
 * separator. Returns undefined for anything else.
 */
export function parseNumber(text: string): number | undefined {
  let s = text.trim().replace(/[\s_]/g, '');
  if (s === '') return undefined;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^[+-]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
