import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from '../database/data-source-options';
import { openDatabase } from '../database/open-database';
import { runMigrations } from '../database/run-migrations';
import { ApiKeyCache } from '../workspaces/api-key-cache';
import { WorkspacesService } from '../workspaces/workspaces.service';

/**
 * `npm run apikey:create -- --workspace "Acme"`: creates the workspace if new and a key in it.
 * The key is printed alone on the last line. On the embedded database, stop the server first.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workspace: { type: 'string', short: 'w' } } });
  const name = values.workspace?.trim();
  if (!name) {
    process.stderr.write('Usage: npm run apikey:create -- --workspace <name>\n');
    process.exit(64);
  }
  const { config } = loadConfig();
  const db = await openDatabase(config);
  const ds = new DataSource(dataSourceOptions(db.url, db.poolSize));
  try {
    await ds.initialize();
    await runMigrations(ds);
    const service = new WorkspacesService(ds, new ApiKeyCache(ds, config));
    const { workspace, key } = await service.createKeyForWorkspaceName(name);
    process.stdout.write(`Workspace: ${workspace.name} (${workspace.id})\nAPI key id: ${key.id}\n`);
    process.stdout.write('Your API key (shown once, keep it safe):\n');
    process.stdout.write(`${key.api_key}\n`);
  } finally {
    await ds.destroy().catch(() => undefined);
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `apikey:create failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
