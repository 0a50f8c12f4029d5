import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from '../database/data-source-options';
import { openDatabase } from '../database/open-database';
import { runMigrations } from '../database/run-migrations';

/**
 * `npm run migration:run` / `migration:revert` / `migration:show`: the same migration
 * runner as start-up (under the advisory lock), on the configured database, closed cleanly
 * (the embedded database must be shut down, not killed). Stop the server first when using
 * the embedded database.
 */
async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== 'run' && command !== 'revert' && command !== 'show') {
    process.stderr.write('Usage: node dist/src/cli/migrate.js run|revert|show\n');
    process.exit(64);
  }
  const { config } = loadConfig();
  const db = await openDatabase(config);
  const ds = new DataSource(dataSourceOptions(db.url, db.poolSize));
  try {
    await ds.initialize();
    if (command === 'run') {
      const applied = await runMigrations(ds);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'No pending migrations.\n');
    } else if (command === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      process.stdout.write('Reverted the last migration.\n');
    } else {
      const pending = await ds.showMigrations();
      process.stdout.write(pending ? 'Migrations are pending.\n' : 'All migrations are applied.\n');
    }
  } finally {
    await ds.destroy().catch(() => undefined);
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
