import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from '../database/data-source-options';
import { openDatabase } from '../database/open-database';

/**
 * Runs a command-line task against the configured database (the embedded one included) and
 * always closes it cleanly: a killed embedded database would need recovery at the next start.
 * A thrown error prints one line `<name> failed: …` and exits 1.
 */
export function runCli(
  name: string,
  task: (db: DataSource, config: AppConfig) => Promise<void>,
): void {
  const work = async (): Promise<void> => {
    const { config } = loadConfig();
    const target = await openDatabase(config);
    const ds = new DataSource(
      dataSourceOptions(target.url, target.poolSize, config.databasePreparedStatements),
    );
    try {
      await ds.initialize();
      await task(ds, config);
    } finally {
      await ds.destroy().catch(() => undefined);
      await target.stop();
    }
  };
  work().catch((err: unknown) => {
    process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
