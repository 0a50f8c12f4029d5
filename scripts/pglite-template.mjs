// Run by scripts/build.mjs as `node scripts/pglite-template.mjs <folder> <key>`, with IPC:
// makes the embedded database's template in <folder> (src/database/pglite-template.ts).
// initdb starts at once, beside the compiler; the migrations run when the build says "compiled"
// (they are read from dist/), on the same PGlite, which is then closed.
import { PGlite } from '@electric-sql/pglite';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [dir, key] = process.argv.slice(2);
const compiled = once(process, 'message');
mkdirSync(dir, { recursive: true });
const db = await PGlite.create({ dataDir: join(dir, 'pglite') });
await compiled;
const require = createRequire(import.meta.url);
const { finishTemplate } = require('../dist/src/database/pglite-template.js');
await finishTemplate(db, dir, key);
process.disconnect();
