import type { DataSource } from 'typeorm';

/**
 * Runs one SQL statement and returns its rows, whatever the command. (TypeORM's
 * `DataSource.query` returns `[rows, count]` for UPDATE/DELETE but plain rows otherwise.)
 */
export async function sqlRows<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
