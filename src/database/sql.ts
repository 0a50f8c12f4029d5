import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs one SQL statement on the data source's `pg` pool and returns its rows, whatever the
 * command. Used on hot paths: it skips TypeORM's per-statement query runner (and its
 * `[rows, count]` result shape for UPDATE/DELETE).
 */
export async function sqlRows<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const result = await pool.query(sql, params);
  return result.rows as T[];
}

/**
 * The SQLSTATE of a failed statement (e.g. 23505 unique violation), whether it came through
 * TypeORM (QueryFailedError wrapping the driver error) or straight from `pg`.
 */
export function sqlState(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const driver = (err as { driverError?: { code?: unknown } }).driverError;
  const code = driver?.code ?? (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * A write that belongs inside another module's statement (e.g. the sent messages, written by
 * the statement that ends their outbox delivery). `param` adds a parameter and returns its
 * placeholder; `only` is a condition of the host statement (e.g. that it still held its
 * claim) that the step must add to its WHERE.
 */
export type SqlStep = (param: (value: unknown) => string, only: string) => string;
