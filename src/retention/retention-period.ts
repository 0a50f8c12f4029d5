import { encodeTime } from 'ulid';

const DAY_MS = 86_400_000;
const ULID_RANDOM_ZEROS = '0'.repeat(16);

/**
 * The shortest retention in effect for a kind of row: the server's default and the
 * chatbots' own settings, those that keep rows for ever (0, or null: no setting) left out.
 * 0 when every one keeps them for ever: nothing to sweep.
 */
export function shortestDays(...periods: Array<number | null>): number {
  const kept = periods.filter((d): d is number => d !== null && d > 0);
  return kept.length ? Math.min(...kept) : 0;
}

/**
 * The smallest ULID of the millisecond `days` before `now`. Ids are ULIDs made when their
 * row was, so every row made before that moment has a smaller id: the sweep walks a table's
 * primary key up to this key and needs no index of its own.
 */
export function keyBefore(now: Date, days: number): string {
  const ms = Math.max(0, now.getTime() - Math.round(days * DAY_MS));
  return encodeTime(ms, 10) + ULID_RANDOM_ZEROS;
}
