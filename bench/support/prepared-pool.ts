import { Pool, type QueryResult, type QueryResultRow } from 'pg';
import { prepareConnection, statementName } from '../../src/database/sql';

/**
 * A baseline's pg pool, with its statements prepared once per connection and planned
 * generically, as the gateway's are (src/database/sql.ts): a baseline must not pay for
 * parsing and planning what the gateway no longer does.
 */
export function preparedPool(connectionString: string | undefined, max: number) {
  // pg-pool waits for onConnect's promise before it hands out the connection (@types/pg
  // says void), so the object is passed as a variable.
  const config = { connectionString, max, onConnect: prepareConnection };
  const pool = new Pool(config);
  return {
    pool,
    query: <R extends QueryResultRow>(sql: string, values: unknown[]): Promise<QueryResult<R>> =>
      pool.query<R>({ name: statementName(sql), text: sql, values }),
  };
}
