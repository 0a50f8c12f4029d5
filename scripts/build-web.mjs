// Bundles the browser code (the chat widget and the playground) into dist/web with esbuild.
// Run by `npm run build` (scripts/build.mjs); `npm run typecheck` checks it against the DOM library.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, format: 'iife', target: 'es2020', legalComments: 'none', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(root, 'src/channels/web/client/widget.ts')], outfile: join(out, 'widget.js') });
await build({ ...common, entryPoints: [join(root, 'src/playground/client/playground.ts')], outfile: join(out, 'playground.js') });
copyFileSync(join(root, 'src/playground/client/playground.html'), join(out, 'playground.html'));
