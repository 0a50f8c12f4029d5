import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed number shared by every instance of this service. */
const MIGRATION_LOCK_ID = 724_001;

/**
 * Runs pending migrations under a Postgres advisory lock, so instances starting together
 * migrate once. Lock, migrations and unlock use one pinned connection (the embedded
 * database has only one).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const done = await executor.executePendingMigrations();
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}

export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}
