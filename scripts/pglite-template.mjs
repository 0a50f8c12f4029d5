// Run by scripts/build.mjs as `node scripts/pglite-template.mjs <folder> <key> <pglite version>`,
// with IPC: makes the embedded database's template in <folder> (src/database/pglite-template.ts).
// The database cluster is made at once, beside the compiler: unpacked from the empty cluster
// shipped in assets/ (scripts/pglite-cluster.mjs) when the same PGlite wrote it, which takes
// about a second, or else by initdb (about five). The migrations run when the build says
// "compiled" (they are read from dist/), on the same PGlite, which is then closed.
import { PGlite } from '@electric-sql/pglite';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, key, version] = process.argv.slice(2);
const compiled = once(process, 'message');
const assets = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

/** The shipped empty cluster, when the installed PGlite wrote it; null otherwise. */
function shippedCluster() {
  const info = join(assets, 'pglite-cluster.json');
  if (!existsSync(info)) return null;
  const { pglite } = JSON.parse(readFileSync(info, 'utf8'));
  if (pglite === version) return new Blob([readFileSync(join(assets, 'pglite-cluster.tar.gz'))]);
  console.warn(
    `assets/pglite-cluster.tar.gz is PGlite ${pglite}'s, not ${version}'s: running initdb (npm run pglite:cluster remakes it)`,
  );
  return null;
}

mkdirSync(dir, { recursive: true });
const cluster = shippedCluster();
const db = await PGlite.create({ dataDir: join(dir, 'pglite'), ...(cluster ? { loadDataDir: cluster } : {}) });
await compiled;
const require = createRequire(import.meta.url);
const { finishTemplate } = require('../dist/src/database/pglite-template.js');
await finishTemplate(db, dir, key);
process.disconnect();
