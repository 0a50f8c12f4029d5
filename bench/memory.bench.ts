/**
 * Memory under long traffic: `npm run bench:memory` (issue 14).
 *
 * Starts the built server (`node dist/src/main.js`) as a child process, with the same Node
 * flags as `npm start`, on PostgreSQL when DATABASE_URL is set (a fresh scratch database,
 * dropped at the end) or else on its embedded PGlite (a temporary DATA_DIR, removed at the
 * end; BENCH_DB=pglite forces it). It publishes the 5-state flow of `npm run bench` and reads
 * the child's resident set (VmRSS in /proc/<pid>/status):
 *   1. at idle, BENCH_IDLE_SECONDS after it answered /health/ready;
 *   2. after half of BENCH_TURNS Chat API turns, and again after all of them: the load stops
 *      and the server is left idle for the same pause.
 * Each time RSS is read twice: as the server left it, then after a full garbage collection.
 * V8 collects when it sees fit, so the first figure moves by tens of MB with the moment it is
 * read; the second counts what the process keeps. The collection is asked of V8 through
 * Node's own inspector (HeapProfiler.collectGarbage): the child runs with
 * --inspect-port=127.0.0.1:0, which opens nothing until the first collection sends it SIGUSR1,
 * after the first idle reading. The V8 heap in use after the collection (from /metrics) is
 * printed beside it.
 *
 * Turns go over many sessions, and new ones keep being opened: each of BENCH_CONCURRENCY
 * clients opens a session, sends it BENCH_TURNS / BENCH_SESSIONS turns, then opens the next,
 * so per-session structures (queues, leases, caches) see every session come and go.
 *
 * Baseline, same run: bench/baseline-server.ts (bare node:http + pg) at idle, read the same
 * two ways; the gateway's idle RSS is printed as a multiple of it.
 *
 * Targets: idle ≤ 150 MB on PostgreSQL (as left, the figure `ps` shows); growth from the
 * middle reading to the last within 5 %, after a full collection (no cache without a bound).
 *
 * Environment: DATABASE_URL, BENCH_DB (pglite | postgres), BENCH_TURNS (100000),
 * BENCH_SESSIONS (2000), BENCH_CONCURRENCY (50), BENCH_IDLE_SECONDS (5),
 * DATABASE_POOL_SIZE (10, PostgreSQL only), BENCH_LOG_LEVEL (warn).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  BENCH_API_KEY,
  BENCH_ENCRYPTION_KEY,
  ChildServer,
  LoopbackClient,
  MAIN_JS,
  ROOT,
  SERVER_NODE_FLAGS,
  ScratchDatabase,
  createScratchDatabase,
  envInt,
  machineLines,
  pgAnswers,
  runBench,
  sleep,
  startChild,
  table,
  verdict,
  publishChatbot,
} from './support/bench-kit';
import { ChatTarget, SessionCursor, sendTurn } from './support/chat-load';
import { BENCH_FLOW } from './support/bench-flow';

const BASELINE_JS = join(ROOT, 'dist', 'bench', 'baseline-server.js');
const IDLE_TARGET_MB = 150;
const GROWTH_TOLERANCE = 0.05;

/** VmRSS (or another `Vm…` line) of a process, in MB (2^20 bytes), from /proc (Linux). */
export function procMemoryMb(pid: number | undefined, field = 'VmRSS'): number {
  if (pid === undefined) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Node flag: the inspector's port when it is opened (by SIGUSR1); it stays closed until then. */
const INSPECT_PORT = '--inspect-port=127.0.0.1:0';

/**
 * Run by a helper Node process: connects to an inspector and asks V8 for a full collection
 * (HeapProfiler.collectGarbage is V8's low-memory collection: everything unreachable, then the
 * heap shrunk), and exits when it is done.
 */
const CDP_COLLECT_GARBAGE = `
const ws = new WebSocket(process.argv[1]);
const fail = (why) => { console.error(why); process.exit(1); };
setTimeout(() => fail('no answer from the inspector within 60 s'), 60000).unref();
ws.onerror = (e) => fail(e.message || 'inspector connection failed');
ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.id !== 1) return;
  if (m.error) fail(JSON.stringify(m.error));
  ws.close();
  process.exit(0);
};`;

const inspectorUrl = (output: string): string | undefined =>
  /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];

/** A full garbage collection in `server` (started with INSPECT_PORT), through its inspector. */
async function collectGarbage(server: ChildServer): Promise<void> {
  let url = inspectorUrl(server.output());
  if (!url) {
    server.child.kill('SIGUSR1');
    for (let i = 0; i < 100 && !url; i++) {
      await sleep(100);
      url = inspectorUrl(server.output());
    }
    if (!url) throw new Error(`${server.name}: its inspector did not open:\n${server.output()}`);
  }
  // Node 20 has WebSocket behind a flag; later versions have it on.
  const flags = typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : [];
  await promisify(execFile)(
    process.execPath,
    [...flags, '--no-warnings', '-e', CDP_COLLECT_GARBAGE, url],
    { timeout: 90_000 },
  );
}

/** Bytes of the files under `dir`, in MB. */
function folderMb(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return bytes / 2 ** 20;
}

/** pg_database_size of the database at `url`, in MB. */
async function databaseMb(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
    return Number(r.rows[0].n) / 2 ** 20;
  } finally {
    await c.end();
  }
}

/** A Prometheus gauge's value from the server's /metrics, in MB; NaN when missing. */
async function metricMb(client: LoopbackClient, name: string): Promise<number> {
  const reply = await client.request('GET', '/metrics');
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(String(reply.body));
  return m ? Number(m[1]) / 2 ** 20 : NaN;
}

interface Reading {
  label: string;
  turns: number;
  sessions: number;
  /** After the idle pause, as the server left it. */
  rssMb: number;
  /** Then after a full garbage collection. */
  rssAfterGcMb: number;
  /** V8 heap in use after that collection (the server's /metrics). */
  heapMb: number;
  /** The database's size (PostgreSQL: pg_database_size; PGlite: its folder). */
  databaseMb: number;
}

const mb = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} MB` : 'n/a');

/**
 * Drives turns over rolling sessions: each client opens a session, sends it `perSession`
 * turns, then opens the next. Its state carries over from one `run` to the next.
 */
class RollingLoad {
  turns = 0;
  errors = 0;
  sessions = 0;
  private claimed = 0;
  private readonly cursors: (SessionCursor & { left: number })[] = [];

  constructor(
    private readonly target: ChatTarget,
    private readonly perSession: number,
    private readonly concurrency: number,
  ) {}

  /** Sends turns until `total` have been sent since the start; resolves when all answered. */
  async runUntil(total: number): Promise<void> {
    await Promise.all(Array.from({ length: this.concurrency }, (_, i) => this.client(i, total)));
  }

  private async client(slot: number, total: number): Promise<void> {
    while (this.claimed < total) {
      this.claimed++;
      let cursor = this.cursors[slot];
      if (!cursor || cursor.left === 0) {
        cursor = { ...(await this.open()), left: this.perSession };
        this.cursors[slot] = cursor;
      }
      cursor.left--;
      const ok = await sendTurn(this.target, cursor).catch(() => false);
      if (ok) this.turns++;
      else this.errors++;
    }
  }

  private async open(): Promise<SessionCursor> {
    const body = await this.target.client.expect<{ session_id: string; current_state: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${this.target.chatbotId}/chat/sessions`,
      {},
    );
    this.sessions++;
    return { id: body.session_id, state: body.current_state, step: 0 };
  }
}

async function main(): Promise<number> {
  const givenUrl = process.env.DATABASE_URL?.trim();
  const mode = (process.env.BENCH_DB ?? (givenUrl ? 'postgres' : 'pglite')).toLowerCase();
  if (mode !== 'pglite' && mode !== 'postgres') {
    console.error(`BENCH_DB must be pglite or postgres (got "${mode}")`);
    return 1;
  }
  const baseUrl = givenUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (mode === 'postgres' && !(await pgAnswers(baseUrl))) {
    console.error(`npm run bench:memory: nothing answers at DATABASE_URL (${baseUrl}).`);
    return 1;
  }
  const totalTurns = envInt('BENCH_TURNS', 100_000, 2);
  const sessionsWanted = Math.min(totalTurns, envInt('BENCH_SESSIONS', 2000));
  const perSession = Math.ceil(totalTurns / sessionsWanted);
  const concurrency = Math.min(sessionsWanted, envInt('BENCH_CONCURRENCY', 50));
  const idleMs = envInt('BENCH_IDLE_SECONDS', 5, 0) * 1000;
  const poolSize = String(envInt('DATABASE_POOL_SIZE', 10));
  const half = Math.floor(totalTurns / 2);

  console.log(['bench:memory', ...machineLines()].join('\n'));
  let db: ScratchDatabase | undefined;
  let dataDir: string | undefined;
  const children: ChildServer[] = [];
  const clients: LoopbackClient[] = [];
  try {
    // The baseline first, alone: its pool connects on the first query, so idle it has none.
    const nodeFlags = [...SERVER_NODE_FLAGS, INSPECT_PORT];
    const baseline = await startChild(
      'baseline',
      BASELINE_JS,
      { DATABASE_URL: baseUrl, DATABASE_POOL_SIZE: poolSize, BOOTSTRAP_API_KEY: BENCH_API_KEY },
      '/health/live',
      nodeFlags,
    );
    children.push(baseline);
    await sleep(idleMs);
    const baselineRss = procMemoryMb(baseline.child.pid);
    await collectGarbage(baseline);
    await sleep(1000);
    const baselineRssAfterGc = procMemoryMb(baseline.child.pid);
    await baseline.stop();
    children.pop();

    const dbEnv: Record<string, string> = {};
    if (mode === 'postgres') {
      db = await createScratchDatabase(baseUrl, 'bench_mem');
      Object.assign(dbEnv, { DATABASE_URL: db.url, DATABASE_POOL_SIZE: poolSize });
      console.log(`database: PostgreSQL, ${db.name} (fresh, dropped at the end)`);
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'bench-mem-'));
      dbEnv.DATA_DIR = dataDir;
      console.log(`database: embedded PGlite in ${dataDir} (removed at the end)`);
    }
    const started = performance.now();
    const ours = await startChild(
      'gateway',
      MAIN_JS,
      {
        ...dbEnv,
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        BOOTSTRAP_API_KEY: BENCH_API_KEY,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      },
      '/health/ready',
      nodeFlags,
      120_000,
    );
    children.push(ours);
    console.log(`gateway ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const client = new LoopbackClient(
      ours.baseUrl,
      { authorization: `Bearer ${BENCH_API_KEY}` },
      concurrency + 4,
    );
    clients.push(client);

    const readings: Reading[] = [];
    const read = async (label: string, load?: RollingLoad): Promise<Reading> => {
      await sleep(idleMs);
      const rssMb = procMemoryMb(ours.child.pid);
      await collectGarbage(ours);
      await sleep(1000);
      const r: Reading = {
        label,
        turns: load?.turns ?? 0,
        sessions: load?.sessions ?? 0,
        rssMb,
        rssAfterGcMb: procMemoryMb(ours.child.pid),
        heapMb: await metricMb(client, 'nodejs_heap_size_used_bytes'),
        databaseMb: db ? await databaseMb(db.url) : folderMb(dataDir ?? '.'),
      };
      readings.push(r);
      console.log(
        `  ${label}: RSS ${mb(r.rssMb)}; after a full GC ${mb(r.rssAfterGcMb)}, V8 heap used ${mb(r.heapMb)}`,
      );
      return r;
    };

    const idle = await read('idle, after start');
    const chatbotId = await publishChatbot(client, 'bench-memory-bot', BENCH_FLOW);
    const load = new RollingLoad(
      { name: 'gateway', client, chatbotId, sessions: [] },
      perSession,
      concurrency,
    );
    console.log(
      `load: ${totalTurns.toLocaleString('en')} turns, ${perSession} per session (about ${Math.ceil(totalTurns / perSession).toLocaleString('en')} sessions opened as it goes), ${concurrency} in flight`,
    );
    const t0 = performance.now();
    await load.runUntil(half);
    const tHalf = performance.now();
    console.log(
      `  ${load.turns.toLocaleString('en')} turns in ${((tHalf - t0) / 1000).toFixed(0)} s (${Math.round(load.turns / ((tHalf - t0) / 1000))} turns/s), ${load.errors} errors`,
    );
    const middle = await read(`after ${half.toLocaleString('en')} turns`, load);
    const t1 = performance.now();
    await load.runUntil(totalTurns);
    const tEnd = performance.now();
    const secondHalf = load.turns + load.errors - half;
    console.log(
      `  ${secondHalf.toLocaleString('en')} more turns in ${((tEnd - t1) / 1000).toFixed(0)} s (${Math.round(secondHalf / ((tEnd - t1) / 1000))} turns/s), ${load.errors} errors in all`,
    );
    const end = await read(`after ${totalTurns.toLocaleString('en')} turns`, load);
    const peak = procMemoryMb(ours.child.pid, 'VmHWM');

    const growth = (end.rssAfterGcMb - middle.rssAfterGcMb) / middle.rssAfterGcMb;
    const growthAsLeft = (end.rssMb - middle.rssMb) / middle.rssMb;
    const ratio = idle.rssMb / baselineRss;
    const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
    console.log('');
    console.log(
      `Gateway RSS on ${mode === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded, in the same process)'}, read after ${idleMs / 1000} s idle, then after a full GC`,
    );
    console.log(
      table([
        ['', 'turns', 'sessions', 'RSS', 'RSS after GC', 'V8 heap after GC', 'database'],
        ...readings.map((r) => [
          r.label,
          r.turns.toLocaleString('en'),
          r.sessions.toLocaleString('en'),
          mb(r.rssMb),
          mb(r.rssAfterGcMb),
          mb(r.heapMb),
          mb(r.databaseMb),
        ]),
        [
          'baseline (node:http + pg), idle',
          '0',
          '0',
          mb(baselineRss),
          mb(baselineRssAfterGc),
          '',
          '',
        ],
      ]),
    );
    console.log(`peak RSS of the gateway (VmHWM): ${mb(peak)}`);
    console.log('');
    console.log(
      `idle RSS ours / baseline: ${ratio.toFixed(2)}× (after a full GC: ${(idle.rssAfterGcMb / baselineRssAfterGc).toFixed(2)}×)`,
    );
    console.log(
      `target idle ≤ ${IDLE_TARGET_MB} MB on PostgreSQL: ${
        mode === 'postgres'
          ? verdict(idle.rssMb <= IDLE_TARGET_MB)
          : `(not a target on PGlite; ${mb(idle.rssMb)})`
      }`,
    );
    console.log(
      `growth ${half.toLocaleString('en')} → ${totalTurns.toLocaleString('en')} turns, after a full GC: ${(end.rssAfterGcMb - middle.rssAfterGcMb).toFixed(1)} MB (${pct(growth)}), V8 heap ${(end.heapMb - middle.heapMb).toFixed(1)} MB; as left: ${pct(growthAsLeft)}`,
    );
    console.log(
      `target growth ≤ ${GROWTH_TOLERANCE * 100} % (after a full GC): ${verdict(growth <= GROWTH_TOLERANCE && load.errors === 0)}`,
    );
    if (load.errors > 0) console.log(`${load.errors} turns failed (a target is missed on errors)`);
    return 0;
  } finally {
    for (const c of clients) c.close();
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await db
      ?.drop()
      .catch((err: unknown) => console.error(`could not drop ${db?.name}: ${String(err)}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
