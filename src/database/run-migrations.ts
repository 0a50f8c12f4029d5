import { DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed number shared by every instance of this service. */
const MIGRATION_LOCK_ID = 724_001;

/**
 * Runs `work` holding the Postgres advisory lock that every migration step takes, so
 * instances starting together migrate once, and a revert from the command line never runs
 * beside them. Lock, work and unlock use one pinned connection (the embedded database has
 * only one).
 */
async function underMigrationLock<T>(
  dataSource: DataSource,
  work: (executor: MigrationExecutor) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      return await work(executor);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}

/** Runs pending migrations (once, however many instances start together). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return underMigrationLock(dataSource, async (executor) => {
    const done = await executor.executePendingMigrations();
    return done.map((m) => m.name);
  });
}

/** Reverts the last applied migration, under the same lock as runMigrations. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await underMigrationLock(dataSource, (executor) => executor.undoLastMigration());
}

export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}
