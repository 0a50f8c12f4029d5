import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs one SQL statement on the data source's `pg` pool and returns its rows, whatever the
 * command. Used on hot paths: it skips TypeORM's per-statement query runner (and its
 * `[rows, count]` result shape for UPDATE/DELETE).
 *
 * The statement runs as a named prepared statement (see `statementName`) unless
 * DATABASE_PREPARED_STATEMENTS is off: each pooled connection parses it once, and keeps its
 * plan (data-source-options.ts › prepareConnection).
 */
export async function sqlRows<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool & { options: { onConnect?: unknown } } })
    .master;
  const name = pool.options.onConnect === prepareConnection ? statementName(sql) : undefined;
  // Not pool.query: it closes the connection after any failed statement, so a constraint
  // violation cost a new connection (its statements prepared again), and on the embedded
  // database, which has one connection slot, failed the next statement too.
  const client = await pool.connect();
  let broken = false;
  try {
    return await runOn(client, sql, params, name);
  } catch (err) {
    // An error the server reported leaves the connection usable; anything else may not.
    broken = sqlState(err) === undefined;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** One statement on one connection: named when `name` is given, unnamed otherwise. */
async function runOn<T>(
  client: PoolClient,
  sql: string,
  values: unknown[],
  name: string | undefined,
): Promise<T[]> {
  if (!name) return (await client.query(sql, values)).rows as T[];
  try {
    return (await client.query({ name, text: sql, values })).rows as T[];
  } catch (err) {
    if (!stalePlan(err)) throw err;
    // A table it reads changed shape under it (another instance's migration): it failed
    // before it ran, and is prepared again under a new name on every connection.
    return (await client.query({ name: renameStatement(sql), text: sql, values })).rows as T[];
  }
}

/** PostgreSQL refusing to run a prepared statement whose result columns changed. */
const stalePlan = (err: unknown): boolean =>
  sqlState(err) === '0A000' &&
  err instanceof Error &&
  err.message.includes('cached plan must not change result type');

/**
 * Readies each new pooled connection for sqlRows' prepared statements (a pool whose
 * `onConnect` it is gets them; data-source-options.ts): a generic plan, so
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

/** How many distinct statement texts get a name; later ones run unnamed. */
export const NAMED_STATEMENTS_MAX = 64;
const names = new Map<string, string>();

/**
 * The prepared-statement name of a statement text, or undefined once NAMED_STATEMENTS_MAX
 * texts have one. Every connection keeps each statement it prepared for as long as it
 * lives, so the number of names is bounded: the server's statements are a fixed set, but a
 * few are built per call (a batch of n ends, a list of n ids), and those must not grow it
 * without end. The name is a digest of the text, so two texts never share one.
 */
export function statementName(sql: string): string | undefined {
  const known = names.get(sql);
  if (known !== undefined || names.size >= NAMED_STATEMENTS_MAX) return known;
  const name = `s_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
  names.set(sql, name);
  return name;
}

let renamed = 0;
/** A new name for a named statement text (its old one is stale on some connections). */
function renameStatement(sql: string): string {
  const name = `${statementName(sql)!.slice(0, 34)}_${++renamed}`;
  names.set(sql, name);
  return name;
}

/**
 * The SQLSTATE of a failed statement (e.g. 23505 unique violation), whether it came through
 * TypeORM (QueryFailedError wrapping the driver error) or straight from `pg`.
 */
export function sqlState(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const driver = (err as { driverError?: { code?: unknown } }).driverError;
  const code = driver?.code ?? (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The table whose row a write referred to and did not find (a foreign-key violation of an
 * INSERT or UPDATE: the parent was deleted while the request ran), else undefined. A delete
 * refused because rows still refer to it is the same SQLSTATE and is not this.
 */
export function missingParentTable(err: unknown): string | undefined {
  if (sqlState(err) !== '23503' || err === null || typeof err !== 'object') return undefined;
  const driver = (err as { driverError?: { detail?: unknown } }).driverError;
  const detail = driver?.detail ?? (err as { detail?: unknown }).detail;
  if (typeof detail !== 'string') return undefined;
  return /\bis not present in table "([a-z_]+)"/.exec(detail)?.[1];
}
