import { PGlite } from '@electric-sql/pglite';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS_TABLE } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { MIGRATIONS } from '../src/database/migrations';
import { findTemplate, TEMPLATE_INFO, TemplateInfo } from '../src/database/pglite-template';
import { runMigrations } from '../src/database/run-migrations';
import { startServerProcess } from './support/server-process';

const MIGRATION_NAMES = MIGRATIONS.map((m) => m.name);

/** Opens a copy of a PGlite folder (the template itself stays untouched), runs `read`, closes. */
async function readCopy<T>(pgDir: string, read: (db: PGlite) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-tpl-copy-'));
  cpSync(pgDir, join(dir, 'pglite'), { recursive: true });
  const db = await PGlite.create({ dataDir: join(dir, 'pglite') });
  try {
    return await read(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const systemId = async (db: PGlite): Promise<string> =>
  (await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()'))
    .rows[0].id;

/** Rows in every table of the database's own schemas, by table. */
async function rowCounts(db: PGlite): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    counts[name] = res.rows[0].n;
  }
  return counts;
}

// `npm run build` (run before the tests) makes dist/pglite-template; scripts/build.mjs.
describe('The embedded database template', () => {
  let template: string;
  let dir: string;
  beforeAll(() => {
    const found = findTemplate(MIGRATION_NAMES);
    if (!found) throw new Error('no fitting dist/pglite-template: run npm run build');
    template = found;
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-tpl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should hold the schema and the migration records only: no workspace, key or other row', async () => {
    const info = JSON.parse(
      readFileSync(join(dirname(template), TEMPLATE_INFO), 'utf8'),
    ) as TemplateInfo;
    expect(info.migrations).toEqual(MIGRATION_NAMES);
    expect(readdirSync(dirname(template)).sort()).toEqual(['pglite', TEMPLATE_INFO]);
    const counts = await readCopy(template, rowCounts);
    expect(counts['public.workspaces']).toBe(0);
    expect(counts['public.api_keys']).toBe(0);
    const { [`public.${MIGRATIONS_TABLE}`]: migrationRows, ...others } = counts;
    expect(migrationRows).toBe(MIGRATION_NAMES.length);
    expect(Object.keys(others).length).toBeGreaterThan(10);
    expect(Object.entries(others).filter(([, n]) => n > 0)).toEqual([]);
  });

  it('should be what a first start on an empty DATA_DIR starts from, and stay as it was', async () => {
    const key = 'sk_template_start_key_0123456789';
    const server = await startServerProcess({ DATA_DIR: dir, BOOTSTRAP_API_KEY: key });
    try {
      expect((await fetch(`${server.baseUrl}/health/ready`)).status).toBe(200);
      const me = await fetch(`${server.baseUrl}/api/dev/v1/me`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(me.status).toBe(200);
      expect(server.output()).not.toMatch(/Applied migrations/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // A copy of the template keeps its system identifier; initdb would have made a new one.
    const started = await readCopy(join(dir, 'pglite'), async (db) => ({
      id: await systemId(db),
      counts: await rowCounts(db),
    }));
    const original = await readCopy(template, async (db) => ({
      id: await systemId(db),
      counts: await rowCounts(db),
    }));
    expect(started.id).toBe(original.id);
    expect(started.counts['public.workspaces']).toBe(1);
    expect(original.counts['public.workspaces']).toBe(0);
    expect(original.counts['public.api_keys']).toBe(0);
  });

  it('should get the migrations newer than the template from the start-up run, and seed only an empty folder', async () => {
    // An older template: this one with its last migration reverted.
    const older = join(dir, 'older');
    cpSync(template, join(older, 'pglite'), { recursive: true });
    const last = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];
    await withDatabase(older, null, async (ds) => {
      await ds.undoLastMigration({ transaction: 'each' });
    });

    const data = join(dir, 'data');
    const first = await withDatabase(data, join(older, 'pglite'), (ds) => runMigrations(ds));
    expect(first).toEqual({ fromTemplate: true, result: [last] });
    const again = await withDatabase(data, join(older, 'pglite'), async (ds) => {
      const rows = await ds.query<Array<{ name: string }>>(
        `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`,
      );
      return { pending: await ds.showMigrations(), names: rows.map((r) => r.name) };
    });
    expect(again).toEqual({
      fromTemplate: false,
      result: { pending: false, names: MIGRATION_NAMES },
    });
  });
});

/** Starts the embedded database on `dataDir` (seeded from `template` if empty), runs `work`. */
async function withDatabase<T>(
  dataDir: string,
  template: string | null,
  work: (ds: DataSource) => Promise<T>,
): Promise<{ fromTemplate: boolean; result: T }> {
  const embedded = await startEmbeddedPostgres(dataDir, template);
  const ds = new DataSource(dataSourceOptions(embedded.url, 1));
  try {
    await ds.initialize();
    return { fromTemplate: embedded.fromTemplate, result: await work(ds) };
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded.stop();
  }
}
