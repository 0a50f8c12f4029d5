import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { AppHandle, createApp } from '../../src/app';
import { createLogger } from '../../src/common/logger';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { WorkspacesService } from '../../src/workspaces/workspaces.service';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Log lines written by the app under test, for assertions (e.g. "no secret in the logs"). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  handle: AppHandle;
  config: AppConfig;
  logs: LogCapture;
  /** The app's own data source, for reading raw rows in assertions. */
  db: DataSource;
  /** supertest bound to the in-process app. */
  http: () => ReturnType<typeof request>;
  /** Creates a workspace with a fresh key; returns the key and the Authorization header. */
  newWorkspace(
    name?: string,
  ): Promise<{ workspaceId: string; apiKey: string; auth: { Authorization: string } }>;
  /** A database URL of this suite's own (a fresh PostgreSQL database, or the embedded server). */
  databaseUrl: string;
  /** The embedded database's folder. */
  dataDir: string;
  /** Keep the database (folder or PostgreSQL database) on close, to start another app on it. */
  keep(): void;
  close(): Promise<void>;
}

/**
 * A per-suite PostgreSQL database when DATABASE_URL is set (created here, dropped on close),
 * else null: the app then runs on its own embedded PGlite in a temporary folder.
 */
export async function freshPostgresDatabase(): Promise<{
  url: string;
  drop(): Promise<void>;
} | null> {
  const base = process.env.DATABASE_URL;
  if (!base) return null;
  const name = `t_${ulid().toLowerCase()}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}

/** Drops a per-suite database made by freshPostgresDatabase. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const base = process.env.DATABASE_URL;
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!base || !/^t_[0-9a-z]{26}$/.test(name)) return;
  const c = new Client({ connectionString: base });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
}

export interface TestAppOptions {
  /** Use this database instead of a fresh one (a second instance on the same PostgreSQL). */
  databaseUrl?: string;
  /** Use this data folder (a restart of an embedded-database app); it is kept on close. */
  dataDir?: string;
  /** With `databaseUrl`: drop that database on close (the app that started it kept it). */
  ownsDatabase?: boolean;
}

export async function startTestApp(
  env: Record<string, string> = {},
  opts: TestAppOptions = {},
): Promise<TestApp> {
  const pg = opts.databaseUrl ? null : await freshPostgresDatabase();
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'gw-test-'));
  const template = process.env.GW_TEST_PGLITE_TEMPLATE;
  if (ownDir && !pg && !opts.databaseUrl && template)
    cpSync(template, join(dataDir, 'pglite'), { recursive: true });
  const dbUrl = opts.databaseUrl ?? pg?.url;
  const { config } = loadConfig({
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'info',
    ...(dbUrl ? { DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: '5' } : {}),
    ...env,
  });
  const logs = new LogCapture();
  let keepData = false;
  const handle = await createApp(config, createLogger(config.logLevel, logs));
  const server = handle.app.getHttpServer() as Parameters<typeof request>[0];
  return {
    handle,
    config,
    logs,
    db: handle.app.get(DataSource),
    databaseUrl: handle.database.url,
    dataDir,
    http: () => request(server),
    async newWorkspace(name = `ws-${ulid()}`) {
      const { workspace, key } = await handle.app
        .get(WorkspacesService)
        .createKeyForWorkspaceName(name);
      return {
        workspaceId: workspace.id,
        apiKey: key.api_key,
        auth: { Authorization: `Bearer ${key.api_key}` },
      };
    },
    keep() {
      keepData = true;
    },
    async close() {
      await handle.close();
      if (!keepData) {
        await pg?.drop();
        if (opts.databaseUrl && opts.ownsDatabase) await dropDatabase(opts.databaseUrl);
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
