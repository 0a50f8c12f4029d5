import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` and serves it over the Postgres wire protocol on a loopback port,
 * so the app reaches it through the same `pg` driver as a real server. PGlite is a single
 * session: callers must use a pool of exactly one connection.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = takeDataDirLock(dataDir);
  try {
    const db = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    return {
      url: `postgres://postgres:postgres@${host}:${port}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        rmSync(lockFile, { force: true });
      },
    };
  } catch (err) {
    rmSync(lockFile, { force: true });
    throw err;
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
