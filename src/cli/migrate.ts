import { revertLastMigration, runMigrations } from '../database/run-migrations';
import { runCli } from './run-cli';

/**
 * `npm run migration:run` / `migration:revert` / `migration:show`: the same migration
 * runner as start-up, on the configured database; run and revert take its advisory lock.
 * Stop the server first when using the embedded database.
 */
const command = process.argv[2];
if (command !== 'run' && command !== 'revert' && command !== 'show') {
  process.stderr.write('Usage: node dist/src/cli/migrate.js run|revert|show\n');
  process.exit(64);
}

runCli('migrate', async (ds) => {
  if (command === 'run') {
    const applied = await runMigrations(ds);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'No pending migrations.\n',
    );
  } else if (command === 'revert') {
    await revertLastMigration(ds);
    process.stdout.write('Reverted the last migration.\n');
  } else {
    const pending = await ds.showMigrations();
    process.stdout.write(pending ? 'Migrations are pending.\n' : 'All migrations are applied.\n');
  }
});
