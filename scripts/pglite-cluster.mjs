// `npm run pglite:cluster`: remakes assets/pglite-cluster.tar.gz, an empty PGlite database
// cluster just after initdb (PGlite's own dumpDataDir, gzipped), and assets/pglite-cluster.json
// naming the PGlite version that wrote it. The build's template (scripts/pglite-template.mjs)
// starts from it instead of running initdb, which takes seconds inside WebAssembly. The
// cluster holds no schema, so a new migration needs no new archive; a new PGlite version
// does (the on-disk format may change): until then the build runs initdb and says so, and
// src/database/pglite-cluster.spec.ts fails.
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { pgliteVersion } = require('../dist/src/database/pglite-template.js');

const work = mkdtempSync(join(tmpdir(), 'pglite-cluster-'));
try {
  const db = await PGlite.create({ dataDir: join(work, 'pglite') });
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  writeFileSync(join(root, 'assets/pglite-cluster.tar.gz'), Buffer.from(await dump.arrayBuffer()));
  writeFileSync(join(root, 'assets/pglite-cluster.json'), `${JSON.stringify({ pglite: pgliteVersion() }, null, 2)}\n`);
  console.log(`assets/pglite-cluster.tar.gz: an empty cluster of PGlite ${pgliteVersion()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
