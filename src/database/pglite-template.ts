import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS_TABLE } from './data-source-options';
import { servePglite } from './embedded-postgres';
import { runMigrations } from './run-migrations';

/**
 * The embedded database's template: a PGlite data folder made by `npm run build`
 * (scripts/build.mjs) with every migration applied and no rows but the migration records, in
 * `dist/pglite-template/pglite`. A first start on an empty DATA_DIR copies it instead of
 * running initdb (seconds) and the migrations.
 */
export const TEMPLATE_DIR = 'pglite-template';
export const TEMPLATE_INFO = 'template.json';

export interface TemplateInfo {
  /** The PGlite version that wrote the folder (its on-disk format). */
  pglite: string;
  /** The migrations applied in it, by name. */
  migrations: string[];
  /** The build's hash of its inputs (scripts/build.mjs), to skip an unchanged template. */
  key?: string;
}

/**
 * A template may seed a new database when the same PGlite wrote it and every migration in it
 * is one this code knows: the migration run at start-up then applies the newer ones.
 */
export function templateFits(info: TemplateInfo, pglite: string, migrations: string[]): boolean {
  const known = new Set(migrations);
  return info.pglite === pglite && info.migrations.every((name) => known.has(name));
}

/** The installed PGlite's version. */
export function pgliteVersion(): string {
  for (let dir = dirname(require.resolve('@electric-sql/pglite')); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error('@electric-sql/pglite has no package.json');
  }
}

/**
 * The template's data folder, when one fits: `dist/pglite-template` in the nearest folder
 * above this file that has one (this file runs from `src/database` under the tests and from
 * `dist/src/database` once built). Null before the first build, or when it does not fit.
 */
export function findTemplate(migrations: string[]): string | null {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const root = join(dir, 'dist', TEMPLATE_DIR);
    if (existsSync(join(root, TEMPLATE_INFO))) {
      try {
        const info = JSON.parse(readFileSync(join(root, TEMPLATE_INFO), 'utf8')) as TemplateInfo;
        return templateFits(info, pgliteVersion(), migrations) ? join(root, 'pglite') : null;
      } catch {
        return null; // being replaced by a build at this moment: start without it
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Build step (scripts/pglite-template.mjs): applies every migration to `db`, a new PGlite
 * opened on `<dir>/pglite` (initdb just done), closes it and writes `<dir>/template.json`.
 * Nothing else runs: no config is read, no workspace or key is created, so the folder holds
 * the schema and the migration records only.
 */
export async function finishTemplate(db: PGlite, dir: string, key: string): Promise<TemplateInfo> {
  const server = await servePglite(db);
  let migrations: string[];
  try {
    const ds = new DataSource(dataSourceOptions(server.url, 1));
    await ds.initialize();
    try {
      await runMigrations(ds);
      const rows = await ds.query<Array<{ name: string }>>(
        `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`,
      );
      migrations = rows.map((r) => r.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await server.stop();
  }
  const info: TemplateInfo = { pglite: pgliteVersion(), migrations, key };
  writeFileSync(join(dir, TEMPLATE_INFO), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}
