import { parseArgs } from 'node:util';
import { runMigrations } from '../database/run-migrations';
import { ApiKeyCache } from '../workspaces/api-key-cache';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { runCli } from './run-cli';

/**
 * `npm run apikey:create -- --workspace "Acme"`: creates the workspace if new and a key in it.
 * The key is printed alone on the last line. On the embedded database, stop the server first.
 */
const { values } = parseArgs({ options: { workspace: { type: 'string', short: 'w' } } });
const name = values.workspace?.trim();
if (!name) {
  process.stderr.write('Usage: npm run apikey:create -- --workspace <name>\n');
  process.exit(64);
}

runCli('apikey:create', async (ds, config) => {
  await runMigrations(ds);
  const service = new WorkspacesService(ds, new ApiKeyCache(ds, config));
  const { workspace, key } = await service.createKeyForWorkspaceName(name);
  process.stdout.write(`Workspace: ${workspace.name} (${workspace.id})\nAPI key id: ${key.id}\n`);
  process.stdout.write('Your API key (shown once, keep it safe):\n');
  process.stdout.write(`${key.api_key}\n`);
});
