import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { prepareConnection } from './sql';

export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * One place that says how we talk to Postgres; used by the app and by the TypeORM CLI.
 * `prepare`: sqlRows runs statements as named prepared statements (DATABASE_PREPARED_STATEMENTS).
 */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  prepare = true,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 10_000,
      ...(prepare ? { onConnect: prepareConnection } : {}),
    },
  };
}
