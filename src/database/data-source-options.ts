import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'schema_migrations';

/** One place that says how we talk to Postgres; used by the app and by the TypeORM CLI. */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
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
      onConnect: prepareConnection,
    },
  };
}

/**
 * Readies each new pooled connection for sqlRows' prepared statements: a generic plan, so
 * that PostgreSQL plans each of them once per connection instead of on every run (all of the
 * server's statements are keyed lookups and writes, which a generic plan serves as well), and
 * no statements left from an earlier connection. PGlite is one session that outlives the
 * connections to it: without DEALLOCATE, a connection made after the pool dropped an idle one
 * would find its statement names taken.
 */
export async function prepareConnection(client: {
  query(sql: string): Promise<unknown>;
}): Promise<void> {
  await client.query('DEALLOCATE ALL; SET plan_cache_mode = force_generic_plan');
}
