import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { dataSourceOptions } from './src/database/data-source-options';
import { openDatabase } from './src/database/open-database';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:run|revert|generate`):
 * the same configuration as the server, including the embedded database when
 * DATABASE_URL is not set (stop the server first: one process per data folder).
 */
async function cliDataSource(): Promise<DataSource> {
  const { config } = loadConfig();
  const db = await openDatabase(config);
  return new DataSource(dataSourceOptions(db.url, db.poolSize));
}

export const dataSource = cliDataSource();
