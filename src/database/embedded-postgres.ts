import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteServer {
  url: string;
  /** Stops serving and closes the database. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgres extends PgliteServer {
  /** True when this start created the database from the template. */
  fromTemplate: boolean;
}

/**
 * Starts PGlite on `dataDir` and serves it over the Postgres wire protocol on a loopback port,
 * so the app reaches it through the same `pg` driver as a real server. PGlite is a single
 * session: callers must use a pool of exactly one connection. On a first start (no database
 * folder yet) the `template` data folder (see pglite-template.ts) is copied in, instead of
 * PGlite running initdb.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  template: string | null = null,
): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = takeDataDirLock(dataDir);
  const unlock = (): void => rmSync(lockFile, { force: true });
  try {
    const pgDir = join(dataDir, 'pglite');
    const fromTemplate = template !== null && copyTemplate(template, pgDir);
    const db = await PGlite.create({ dataDir: pgDir });
    const server = await servePglite(db, unlock);
    return { ...server, fromTemplate };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Serves an open PGlite on a loopback port; `stop` closes it, then calls `onStopped`. */
export async function servePglite(
  db: PGlite,
  onStopped: () => void = () => undefined,
): Promise<PgliteServer> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const [host, port] = server.getServerConn().split(':');
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
      onStopped();
    },
  };
}

/**
 * Copies the template into `pgDir` when that folder is missing or empty, through a temporary
 * folder renamed at the end, so an interrupted copy never looks like a database. False (PGlite
 * then runs initdb) when the folder has a database, or when the copy failed: a build may be
 * replacing the template at this moment.
 */
function copyTemplate(template: string, pgDir: string): boolean {
  if (existsSync(pgDir) && readdirSync(pgDir).length > 0) return false;
  const partial = `${pgDir}.from-template`;
  try {
    rmSync(partial, { recursive: true, force: true });
    cpSync(template, partial, { recursive: true });
    rmSync(pgDir, { recursive: true, force: true });
    renameSync(partial, pgDir);
    return true;
  } catch {
    rmSync(partial, { recursive: true, force: true });
    return false;
  }
}

/** Two processes on one PGlite directory would corrupt it: refuse the second. */
function takeDataDirLock(dataDir: string): string {
  const lockFile = join(dataDir, 'server.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${pid}. Stop it, or set DATA_DIR to another folder.`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return lockFile;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
