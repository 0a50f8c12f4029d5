// `npm run build`: three jobs at once, on both cores:
//  1. the server (src/, bench/, the test helpers bench uses, ormconfig.ts) → dist/, with swc;
//  2. the browser code → dist/web (scripts/build-web.mjs, esbuild);
//  3. the embedded database's template → dist/pglite-template (scripts/pglite-template.mjs):
//     in a child process from the start, the empty cluster shipped in assets/ (or initdb
//     where it is another PGlite's), then the migrations once dist/ is written.
//     Skipped when the one in dist/ was made from the same PGlite and the same migrations.
// swc only strips types (about 1 s, where tsc took 9 s), so the first `npm start` on a fresh
// clone stays short; type checking is `npm run typecheck`, part of `npm run lint` and of
// `npm test`. swc emits the decorator metadata Nest's dependency injection and TypeORM read.
import { transformFile } from '@swc/core';
import { fork, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

/** Every .ts file to compile: what tsconfig.build.json covers, plus test/support for bench/. */
function sources() {
  const skip = [join(root, 'src/channels/web/client'), join(root, 'src/playground/client')];
  const files = [join(root, 'ormconfig.ts')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.includes(path)) walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  for (const dir of ['src', 'bench', 'test/support']) walk(join(root, dir));
  return files;
}

async function compileServer() {
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  await Promise.all(
    sources().map(async (file) => {
      const out = join(dist, relative(root, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, {
        ...swcrc,
        swcrc: false,
        sourceMaps: true,
        sourceFileName: relative(dirname(out), file),
      });
      mkdirSync(dirname(out), { recursive: true });
      const mapName = `${out.slice(dirname(out).length + 1)}.map`;
      writeFileSync(out, `${code}\n//# sourceMappingURL=${mapName}\n`);
      writeFileSync(`${out}.map`, map);
    }),
  );
  // src/integrations/user-agent.ts reads the version from ../../package.json.
  copyFileSync(join(root, 'package.json'), join(dist, 'package.json'));
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

function pgliteVersion() {
  for (let dir = dirname(require.resolve('@electric-sql/pglite')); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    if (pkg.name === '@electric-sql/pglite') return pkg.version;
  }
  throw new Error('@electric-sql/pglite has no package.json');
}

/** What the template is made of: the PGlite version, the shipped empty cluster, the migrations and the code that runs them. */
function templateKey() {
  const hash = createHash('sha256');
  hash.update(pgliteVersion());
  const migrations = join(root, 'src/database/migrations');
  const files = readdirSync(migrations).sort().map((name) => join(migrations, name));
  const inputs = [...files, join(root, 'src/database/pglite-template.ts'), join(root, 'assets/pglite-cluster.json')];
  for (const file of inputs.filter(existsSync)) {
    hash.update(`\0${relative(root, file)}\0`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

function templateIsCurrent(key) {
  try {
    return JSON.parse(readFileSync(join(dist, 'pglite-template', 'template.json'), 'utf8')).key === key;
  } catch {
    return false;
  }
}

/** Starts the template's child: initdb now, the migrations when `compiled()` is called. */
function startTemplate(work, key) {
  const child = fork(join(root, 'scripts/pglite-template.mjs'), [work, key, pgliteVersion()], { cwd: root, stdio: 'inherit' });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the database template failed (exit ${code})`))));
  });
  return { done, compiled: () => child.send('compiled'), kill: () => child.kill() };
}

const key = templateKey();
const target = join(dist, 'pglite-template');
const work = templateIsCurrent(key) ? null : `${target}.build-${process.pid}`;
const template = work ? startTemplate(work, key) : null;
try {
  await Promise.all([compileServer().then(() => template?.compiled()), run([join(root, 'scripts/build-web.mjs')])]);
  if (template) {
    await template.done;
    // Replace the old template in one rename; a build running at the same time may win.
    rmSync(target, { recursive: true, force: true });
    try {
      renameSync(work, target);
    } catch (err) {
      if (!existsSync(join(target, 'template.json'))) throw err;
    }
  }
} catch (err) {
  template?.kill();
  throw err;
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
