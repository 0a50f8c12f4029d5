// Initialising a PGlite data folder (initdb) takes seconds; do it once per run and let each
// suite copy it (see test/support/test-app.ts). Not needed when DATABASE_URL is set.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = join(mkdtempSync(join(tmpdir(), 'gw-pglite-template-')), 'pglite');
  const db = await PGlite.create({ dataDir: dir });
  await db.close();
  process.env.GW_TEST_PGLITE_TEMPLATE = dir;
};
