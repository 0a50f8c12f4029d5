import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs one SQL statement on the data source's `pg` pool and returns its rows, whatever the
 * command. Used on hot paths: it skips TypeORM's per-statement query runner (and its
 * `[rows, count]` result shape for UPDATE/DELETE).
 */
export async function sqlRows<T>(db: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const result = await pool.query(sql, params);
  return result.rows as T[];
}
