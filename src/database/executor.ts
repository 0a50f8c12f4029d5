import { DataSource, EntityManager } from 'typeorm';
import { sqlRows } from './sql';

/** Where a statement runs: the data source, or a transaction's manager. */
export type Executor = DataSource | EntityManager;

/** The rows of any statement (UPDATE … RETURNING included), on either kind of executor. */
export async function executorRows<T>(
  executor: Executor,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  if (executor instanceof DataSource) return sqlRows<T>(executor, sql, params);
  const result = (await executor.queryRunner!.query(sql, params, true)) as { records: T[] };
  return result.records;
}
