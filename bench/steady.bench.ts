/**
 * Steady-state benchmark: `npm run bench:steady` (issue 15).
 *
 * What a Chat API turn costs once the database holds months of history, against the same
 * figures on a fresh database, for the gateway and for bench/baseline-server.ts (the same SQL
 * on bare node:http + pg), all in one run on one scratch PostgreSQL database (dropped at the
 * end):
 *   1. fresh database: closed loop (every session keeps one turn in flight) on each server;
 *   2. bulk history: BENCH_PRELOAD_TURNS stored turns over BENCH_PRELOAD_CONVERSATIONS
 *      conversations, copied in SQL from a real conversation the gateway just wrote (see
 *      support/history-preload.ts), then VACUUM ANALYZE;
 *   3. the closed loop again on each server, on top of that history.
 * Each phase runs one server alone, on new sessions, after a CHECKPOINT, and reports turns/s,
 * p50/p99/p99.9/max, and per turn (every turn of the phase, warm-up included):
 *   - SQL transactions, and the server's CPU (/proc);
 *   - PostgreSQL CPU: of this database's backends (sampled each second from /proc), and of
 *     the whole server (postmaster and children, reaped ones included), see
 *     support/pg-observe.ts;
 *   - bytes stored: tables and their TOAST as pages less free space (pgstattuple_approx,
 *     installed in the scratch database; dead rows count until vacuumed), indexes by size;
 *     and the files' growth ("disk"), which runs ahead as PostgreSQL extends a busy table
 *     by many pages at once;
 *   - WAL: this database's records (pg_walinspect over the phase's LSN range, kept by a
 *     temporary replication slot), of which full-page images (each page's first change after
 *     a checkpoint: the phase starts right after one, so short phases show more); and the
 *     server's LSN advance; and the checkpoints in the phase;
 *   - row writes per table (inserts, updates, HOT updates, deletes; index entries written)
 *     and index scans.
 * Row counters come from PostgreSQL's statistics, which a backend publishes up to 10 s late:
 * each phase waits BENCH_SETTLE_SECONDS before its last reading.
 * BENCH_REPEAT=N runs each closed loop N times and reports every run's p99 (stall target:
 * no run's p99 above 3× the median run's), with what the gateway's /metrics saw in that run
 * (event-loop delay, GC pauses, wait before the handler, the server's own turn time) and the
 * checkpoints PostgreSQL made.
 *
 * 4. retention interplay (issue 15), when BENCH_LONG_SECONDS is set (1200 for the issue's 20
 *    minutes; unset: skipped): the gateway with its retention sweep on periods of seconds
 *    (BENCH_LONG_RETAIN_SECONDS, default a tenth of the run, at least 30; a sweep every
 *    BENCH_LONG_SWEEP_MS, 5000) under an open loop at half the gateway's fresh closed-loop
 *    turns/s (BENCH_LONG_RATE overrides: requests/s) for BENCH_LONG_SECONDS, sessions closed
 *    or left to expire and new ones opened all along. Every BENCH_LONG_SAMPLE_SECONDS (a
 *    twentieth of the run, at least 10) it prints the row counts and sizes of the swept
 *    tables and the window's p99, then start vs end, the peak, whether messages and traces
 *    stayed flat (over the last third of the run: rows within ±20 % of the middle third's,
 *    and files grown by at most 20 % of what was written in it), and the window p99s
 *    against those of BENCH_LONG_CONTROL_SECONDS (three windows) of the same load on a new
 *    gateway with the sweep off. BENCH_LONG_HISTORY: `due` (default: the preloaded history falls under
 *    the short periods and is deleted during the run) or `keep` (the history's chatbot keeps
 *    everything, its own periods 0, so the sweep steps over it on every pass).
 *    BENCH_LONG_ONLY=1 runs this phase alone (after the preload), BENCH_LONG_RATE then needed;
 *    BENCH_LONG_USERS (= BENCH_SESSIONS), BENCH_LONG_SESSION_TIMEOUT_SECONDS (the flow's; by
 *    default half the period, at least 15 s and 5 × users / rate). Where the server has autovacuum off, the bench
 *    stands in for it every BENCH_LONG_VACUUM_SECONDS (60, autovacuum's naptime; 0: not) with
 *    autovacuum's default threshold and throttling. See support/retention-phase.ts.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres if it
 * answers), BENCH_SESSIONS (200), BENCH_CONCURRENCY (= sessions), BENCH_WARMUP_SECONDS (3),
 * BENCH_SECONDS (15), BENCH_REPEAT (1), BENCH_PRELOAD_TURNS (1000000; 0 skips the history),
 * BENCH_PRELOAD_CONVERSATIONS (50000), BENCH_PRELOAD_DAYS (10: within the default 14-day
 * trace retention, so the gateway's retention sweep finds none of it to delete),
 * BENCH_SETTLE_SECONDS (11), DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn),
 * BENCH_TRACE_LEVEL (full | errors | off: the bench chatbot's trace_level; unset: the
 * default, full). The baseline runs the same statement, so it follows the same level.
 */
import { join } from 'node:path';
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
  findDatabaseUrl,
  machineLines,
  median,
  ms,
  pgAnswers,
  processCpuMs,
  runBench,
  sleep,
  startChild,
  stats,
  table,
  verdict,
  publishChatbot,
} from './support/bench-kit';
import { BENCH_FLOW } from './support/bench-flow';
import { ChatTarget, LoadResult, closedLoop, createSessions, sendTurn } from './support/chat-load';
import { PreloadStep, TemplateConversation, preloadHistory } from './support/history-preload';
import { PgDelta, PgObserver, pgDelta } from './support/pg-observe';
import {
  RetentionPhaseResult,
  retentionReport,
  runRetentionPhase,
} from './support/retention-phase';
import {
  bucketMax,
  bucketQuantile,
  countAbove,
  histogramDelta,
  parsePrometheus,
  sumOf,
} from './support/prom-text';

const BASELINE_JS = join(ROOT, 'dist', 'bench', 'baseline-server.js');
/** The stall target: no run's p99 above this many times the median run's. */
const STALL_FACTOR = 3;
const THROUGHPUT_TARGET = 0.85;
const BYTES_PER_TURN_TARGET = 1200;
/** prom-client's nodejs_eventloop_lag_* figures include its 10 ms sampling period. */
const LAG_PERIOD_S = 0.01;

interface Server {
  name: 'gateway' | 'baseline';
  child: ChildServer;
  client: LoopbackClient;
  /** The gateway has /metrics; the baseline has none. */
  metrics: boolean;
}

interface ServerOptions {
  dbUrl: string;
  poolSize: string;
  concurrency: number;
}

/**
 * Starts one server on the scratch database. Each phase runs one server alone, so the
 * other's background work (the gateway's pollers and retention sweep) stays out of it.
 */
async function startServer(
  name: Server['name'],
  o: ServerOptions,
  env: Record<string, string> = {},
): Promise<Server> {
  const child =
    name === 'gateway'
      ? await startChild(
          'gateway',
          MAIN_JS,
          {
            DATABASE_URL: o.dbUrl,
            DATABASE_POOL_SIZE: o.poolSize,
            ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
            BOOTSTRAP_API_KEY: BENCH_API_KEY,
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
            ...env,
          },
          '/health/live',
          SERVER_NODE_FLAGS,
        )
      : await startChild(
          'baseline',
          BASELINE_JS,
          {
            DATABASE_URL: o.dbUrl,
            DATABASE_POOL_SIZE: o.poolSize,
            BOOTSTRAP_API_KEY: BENCH_API_KEY,
          },
          '/health/live',
          SERVER_NODE_FLAGS,
        );
  const client = new LoopbackClient(
    child.baseUrl,
    { authorization: `Bearer ${BENCH_API_KEY}` },
    o.concurrency + 8,
  );
  return { name, child, client, metrics: name === 'gateway' };
}

async function stopServer(s: Server): Promise<void> {
  s.client.close();
  await s.child.stop();
}

interface GatewayRunFigures {
  loopP99Ms: number;
  loopMaxMs: number;
  gcMs: number;
  gcCount: number;
  gcLongestMs: number;
  waitP99Ms: number;
  waitMaxMs: number;
  waitsOver100ms: number;
  /** The server's whole-request time (http_request_duration_seconds), arrival to finish */
  requestMaxMs: number;
  turnP99Ms: number;
  turnMaxMs: number;
}

interface Run {
  result: LoadResult;
  checkpoints: number;
  gateway: GatewayRunFigures | null;
}

interface Phase {
  label: string;
  server: Server;
  state: 'fresh' | 'history';
  runs: Run[];
  turns: number;
  turnsPerSecond: number;
  latenciesMs: number[];
  errors: number;
  serverCpuMs: number;
  /** CPU of this database's backends (PgObserver.backendCpu) */
  backendCpuMs: number;
  /** WAL of this database (pg_walinspect), and of its full-page images; null: not available */
  wal: { bytes: number; fpiBytes: number } | null;
  pg: PgDelta;
}

/** One real conversation of `turns` turns, driven like the load drives its sessions. */
async function recordTemplate(target: ChatTarget, turns: number): Promise<TemplateConversation> {
  const probe: ChatTarget = { ...target, sessions: [] };
  const starts = [new Date()];
  await createSessions(probe, 1, 1);
  const s = probe.sessions[0];
  for (let i = 0; i < turns; i++) {
    starts.push(new Date());
    if (!(await sendTurn(probe, s))) throw new Error(`${target.name}: a template turn failed`);
  }
  return { conversationId: s.id, starts };
}

async function scrape(client: LoopbackClient): Promise<Map<string, number>> {
  const r = await client.request('GET', '/metrics');
  if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}`);
  return parsePrometheus(String(r.body));
}

function gatewayFigures(
  before: Map<string, number>,
  after: Map<string, number>,
): GatewayRunFigures {
  const lag = (name: string): number => Math.max(0, (after.get(name) ?? NaN) - LAG_PERIOD_S) * 1000;
  const gc = histogramDelta(before, after, 'nodejs_gc_duration_seconds');
  const wait = histogramDelta(before, after, 'http_request_to_handler_seconds');
  const turn = histogramDelta(before, after, 'conversation_turn_duration_seconds');
  const request = histogramDelta(before, after, 'http_request_duration_seconds');
  const diff = (name: string): number => sumOf(after, name) - sumOf(before, name);
  return {
    // prom-client's lag gauges cover the time since the previous scrape: this run.
    loopP99Ms: lag('nodejs_eventloop_lag_p99_seconds'),
    loopMaxMs: lag('nodejs_eventloop_lag_max_seconds'),
    gcMs: diff('nodejs_gc_duration_seconds_sum') * 1000,
    gcCount: diff('nodejs_gc_duration_seconds_count'),
    gcLongestMs: bucketMax(gc) * 1000,
    waitP99Ms: bucketQuantile(wait, 0.99) * 1000,
    waitMaxMs: bucketMax(wait) * 1000,
    waitsOver100ms: countAbove(wait, 0.1),
    requestMaxMs: bucketMax(request) * 1000,
    turnP99Ms: bucketQuantile(turn, 0.99) * 1000,
    turnMaxMs: bucketMax(turn) * 1000,
  };
}

async function measurePhase(
  server: Server,
  state: Phase['state'],
  chatbotId: string,
  pg: PgObserver,
  o: {
    sessions: number;
    concurrency: number;
    warmupMs: number;
    measureMs: number;
    repeat: number;
    settleMs: number;
  },
): Promise<Phase> {
  const label = `${server.name}, ${state === 'fresh' ? 'fresh database' : 'with history'}`;
  const target: ChatTarget = { name: server.name, client: server.client, chatbotId, sessions: [] };
  await createSessions(target, o.sessions);
  await sleep(o.settleMs);
  await pg.checkpoint();
  const releaseWal = await pg.holdWal();
  const before = await pg.snapshot();
  const backends = pg.backendCpu();
  const cpuBefore = processCpuMs(server.child.child.pid);
  const runs: Run[] = [];
  for (let i = 0; i < o.repeat; i++) {
    const ckBefore = await pg.checkpoints();
    const mBefore = server.metrics ? await scrape(server.client) : null;
    const result = await closedLoop(target, o);
    const mAfter = server.metrics ? await scrape(server.client) : null;
    const checkpoints = (await pg.checkpoints()) - ckBefore;
    const gateway = mBefore && mAfter ? gatewayFigures(mBefore, mAfter) : null;
    runs.push({ result, checkpoints, gateway });
    const s = stats(result.latenciesMs);
    console.log(
      `  ${label}${o.repeat > 1 ? ` run ${i + 1}` : ''}: ${Math.round(result.turnsPerSecond)} turns/s, p99 ${ms(s.p99)}, p99.9 ${ms(s.p999)}, max ${ms(s.max)}` +
        (result.errors ? `, ${result.errors} errors` : ''),
    );
  }
  await sleep(o.settleMs);
  const after = await pg.snapshot();
  const backendCpuMs = await backends.stop();
  const wal = await pg.databaseWal(before.wal, after.wal);
  await releaseWal?.();
  const serverCpuMs = processCpuMs(server.child.child.pid) - cpuBefore;
  const turns = runs.reduce((t, r) => t + r.result.sent, 0);
  const latenciesMs = runs.flatMap((r) => r.result.latenciesMs);
  const seconds = runs.reduce((t, r) => t + r.result.seconds, 0);
  return {
    label,
    server,
    state,
    runs,
    turns,
    turnsPerSecond: latenciesMs.length / seconds,
    latenciesMs,
    errors: runs.reduce((t, r) => t + r.result.errors, 0),
    serverCpuMs,
    backendCpuMs,
    wal,
    pg: pgDelta(before, after, turns),
  };
}

// ---------------------------------------------------------------------------------------
// Reporting

const int = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a';
const fixed = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const perTurn = (v: number, p: Phase): number => v / p.turns;
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : 'n/a');

function phaseTable(phases: Phase[]): string {
  return table([
    [
      '',
      'turns/s',
      'p50',
      'p99',
      'p99.9',
      'max',
      'errors',
      'SQL tx/turn',
      'server CPU/turn',
      'PG CPU/turn',
      'PG server-wide',
      'stored/turn',
      'disk/turn',
      'WAL/turn',
      'of it FPI',
      'WAL server-wide',
      'checkpoints',
    ],
    ...phases.map((p) => {
      const s = stats(p.latenciesMs);
      return [
        p.label,
        int(p.turnsPerSecond),
        ms(s.p50),
        ms(s.p99),
        ms(s.p999),
        ms(s.max),
        String(p.errors),
        fixed(perTurn(p.pg.transactions, p)),
        ms(perTurn(p.serverCpuMs, p), 3),
        ms(perTurn(p.backendCpuMs, p), 3),
        ms(perTurn(p.pg.cpuMs, p), 3),
        `${int(perTurn(p.pg.storedBytes, p))} B`,
        `${int(perTurn(p.pg.fileBytes, p))} B`,
        p.wal ? `${int(perTurn(p.wal.bytes, p))} B` : 'n/a',
        p.wal ? `${int(perTurn(p.wal.fpiBytes, p))} B` : 'n/a',
        `${int(perTurn(p.pg.walBytes, p))} B`,
        String(p.pg.checkpoints),
      ];
    }),
  ]);
}

function growthTable(phases: Phase[]): string {
  const names = [...new Set(phases.flatMap((p) => p.pg.growth.map((g) => g.name)))];
  const bytesOf = (p: Phase, name: string): number =>
    p.pg.growth.find((g) => g.name === name)?.bytes ?? 0;
  names.sort((a, b) => bytesOf(phases[0], b) - bytesOf(phases[0], a));
  return table([
    ['bytes per turn', ...phases.map((p) => p.label)],
    ...names.map((n) => [n, ...phases.map((p) => int(perTurn(bytesOf(p, n), p)))]),
    ['total', ...phases.map((p) => int(perTurn(p.pg.storedBytes, p)))],
  ]);
}

function writesTable(phases: Phase[]): string {
  const rows: string[][] = [];
  for (const p of phases)
    for (const w of p.pg.writes) {
      rows.push([
        `${p.label}: ${w.table}`,
        fixed(perTurn(w.inserted, p)),
        fixed(perTurn(w.updated, p)),
        fixed(perTurn(w.hotUpdated, p)),
        w.updated ? pct(w.hotUpdated / w.updated) : '—',
        fixed(perTurn(w.deleted, p)),
        `${w.indexes}${w.partialIndexes ? ` (${w.partialIndexes} partial)` : ''}`,
        fixed(perTurn(w.indexEntries, p)),
      ]);
    }
  return table([
    ['per turn', 'inserts', 'updates', 'HOT', 'HOT share', 'deletes', 'indexes', 'index entries'],
    ...rows,
  ]);
}

function indexReadsTable(phases: Phase[]): string {
  const names = [...new Set(phases.flatMap((p) => p.pg.indexScans.map((s) => s.index)))];
  const scans = (p: Phase, n: string): number =>
    p.pg.indexScans.find((s) => s.index === n)?.scans ?? 0;
  return table([
    ['index scans per turn', ...phases.map((p) => p.label)],
    ...names.map((n) => [n, ...phases.map((p) => fixed(perTurn(scans(p, n), p)))]),
  ]);
}

function runsTable(phases: Phase[]): string {
  const rows: string[][] = [];
  for (const p of phases)
    p.runs.forEach((r, i) => {
      const s = stats(r.result.latenciesMs);
      const g = r.gateway;
      const gw = (v: number | undefined, f: (x: number) => string = (x) => ms(x, 1)): string =>
        g && v !== undefined ? f(v) : '—';
      rows.push([
        `${p.label} #${i + 1}`,
        int(r.result.turnsPerSecond),
        ms(s.p99, 1),
        ms(s.p999, 1),
        ms(s.max, 1),
        String(r.result.errors),
        String(r.checkpoints),
        gw(g?.loopP99Ms),
        gw(g?.loopMaxMs),
        gw(g?.gcMs, (x) => `${ms(x, 0)} / ${int(g?.gcCount ?? NaN)}`),
        gw(g?.gcLongestMs, (x) => `≤ ${ms(x, 1)}`),
        gw(g?.waitP99Ms, (x) => `≤ ${ms(x, 1)}`),
        gw(g?.waitMaxMs, (x) => `≤ ${ms(x, 0)}`),
        gw(g?.waitsOver100ms, int),
        gw(g?.turnP99Ms, (x) => `≤ ${ms(x, 1)}`),
        gw(g?.turnMaxMs, (x) => `≤ ${ms(x, 0)}`),
        gw(g?.requestMaxMs, (x) => `≤ ${ms(x, 0)}`),
      ]);
    });
  return table([
    [
      'run',
      'turns/s',
      'p99',
      'p99.9',
      'max',
      'errors',
      'checkpoints',
      'loop p99',
      'loop max',
      'GC time / pauses',
      'longest GC',
      'wait p99',
      'wait max',
      'waits >100ms',
      'server turn p99',
      'server turn max',
      'server request max',
    ],
    ...rows,
  ]);
}

function report(
  phases: Phase[],
  o: { concurrency: number; measureMs: number; repeat: number; preloadTurns: number },
  preload: {
    steps: PreloadStep[];
    seconds: number;
    dbBefore: number;
    dbAfter: number;
    storedGrowth: number;
  } | null,
  idle: { backendMsPerS: number; cpuMsPerS: number; walPerS: number },
  settings: string,
  seen: { cpu: boolean; usedSpace: boolean },
): void {
  const find = (server: string, state: Phase['state']): Phase | undefined =>
    phases.find((p) => p.server.name === server && p.state === state);
  console.log('');
  console.log(
    `Closed loop, ${o.concurrency} concurrent sessions, ${o.measureMs / 1000} s × ${o.repeat} per phase; per-turn figures over every turn of the phase (warm-up included)`,
  );
  console.log(phaseTable(phases));
  console.log('');
  console.log(
    seen.usedSpace
      ? 'Storage growth per turn (bytes; tables and their TOAST: pages less free space, by pgstattuple_approx, dead rows included; indexes: size)'
      : 'Storage growth per turn (bytes; file sizes: pgstattuple is not available)',
  );
  console.log(growthTable(phases));
  console.log('');
  console.log(
    'Row writes per turn (pg_stat_user_tables); index entries = (inserts + non-HOT updates) × indexes, partial indexes counted in full',
  );
  console.log(writesTable(phases));
  console.log('');
  console.log('Index reads per turn (pg_stat_user_indexes.idx_scan)');
  console.log(indexReadsTable(phases));
  console.log('');
  console.log(
    'Runs (gateway columns from its /metrics over the run: event-loop delay, GC, wait from arrival to handler, its own turn time, whole request from arrival to finish; bucket bounds shown as ≤; a client max far above the server request max is time lost before the first middleware or after the response left)',
  );
  console.log(runsTable(phases));
  console.log('');

  if (preload) {
    console.log(
      `history: ${o.preloadTurns.toLocaleString('en')} turns preloaded in ${preload.seconds.toFixed(1)} s (${preload.steps
        .map(
          (s) =>
            `${s.what} ${s.rows ? `${s.rows.toLocaleString('en')} rows ` : ''}${s.seconds.toFixed(1)} s`,
        )
        .join(
          ', ',
        )}); database ${mb(preload.dbBefore)} → ${mb(preload.dbAfter)}, ${int(preload.storedGrowth / o.preloadTurns)} B stored per preloaded turn (bulk-written, vacuumed)`,
    );
  }
  console.log(
    `idle (the gateway up, no load): this database's backends ${fixed(idle.backendMsPerS, 1)} ms/s of PostgreSQL CPU (server-wide ${fixed(idle.cpuMsPerS, 1)} ms/s), WAL ${int(idle.walPerS)} B/s (server-wide)`,
  );
  const others = phases.reduce((t, p) => t + p.pg.otherTransactions, 0);
  if (others > 0)
    console.log(
      `note: other databases on this server committed ${others.toLocaleString('en')} transactions during the phases; the server-wide PG CPU and WAL columns and the checkpoints include their work (PG CPU/turn and WAL/turn do not)`,
    );
  if (!seen.cpu)
    console.log(
      'note: PostgreSQL runs elsewhere (its processes are not in /proc): no PG CPU figures',
    );
  console.log('');

  for (const state of ['fresh', 'history'] as const) {
    const ours = find('gateway', state);
    const base = find('baseline', state);
    if (!ours || !base) continue;
    const r = (f: (p: Phase) => number): string => {
      const v = f(ours) / f(base);
      return Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a';
    };
    console.log(
      `gateway / baseline, ${state === 'fresh' ? 'fresh database' : 'with history'}: turns/s ${pct(ours.turnsPerSecond / base.turnsPerSecond)}, PG CPU/turn ${r((p) => perTurn(p.backendCpuMs, p))}, stored/turn ${r((p) => perTurn(p.pg.storedBytes, p))}, WAL/turn ${r((p) => perTurn(p.wal?.bytes ?? NaN, p))}, server CPU/turn ${r((p) => perTurn(p.serverCpuMs, p))}`,
    );
  }
  for (const server of ['gateway', 'baseline']) {
    const fresh = find(server, 'fresh');
    const hist = find(server, 'history');
    if (!fresh || !hist) continue;
    const ratio = hist.turnsPerSecond / fresh.turnsPerSecond;
    console.log(
      `${server} with history / fresh: turns/s ${pct(ratio)} (${int(hist.turnsPerSecond)} vs ${int(fresh.turnsPerSecond)}), PG CPU/turn ${ms(perTurn(hist.backendCpuMs, hist), 3)} vs ${ms(perTurn(fresh.backendCpuMs, fresh), 3)}` +
        (server === 'gateway'
          ? `; target ≥ ${THROUGHPUT_TARGET * 100} % after ${o.preloadTurns.toLocaleString('en')} turns: ${verdict(ratio >= THROUGHPUT_TARGET)}`
          : ''),
    );
  }
  const gw = phases.filter((p) => p.server.name === 'gateway');
  const worstBytes = Math.max(...gw.map((p) => perTurn(p.pg.storedBytes, p)));
  console.log(
    `gateway stored bytes per text turn (trace included): ${gw.map((p) => `${int(perTurn(p.pg.storedBytes, p))} B ${p.state}`).join(', ')}; target ≤ ${BYTES_PER_TURN_TARGET} B: ${verdict(worstBytes <= BYTES_PER_TURN_TARGET)}`,
  );
  for (const p of phases) {
    const conv = p.pg.writes.find((w) => w.table === 'conversations');
    if (conv?.updated)
      console.log(
        `${p.label}: conversation updates ${fixed(perTurn(conv.updated, p))}/turn, HOT ${pct(conv.hotUpdated / conv.updated)}`,
      );
  }
  for (const p of phases) {
    const p99s = p.runs.map((r) => stats(r.result.latenciesMs).p99);
    if (p99s.length < 2) continue;
    const med = median(p99s);
    const worst = Math.max(...p99s);
    console.log(
      `${p.label}: run p99s ${p99s.map((v) => ms(v, 1)).join(', ')}; worst / median ${fixed(worst / med)}×; target ≤ ${STALL_FACTOR}×: ${verdict(worst <= STALL_FACTOR * med)}`,
    );
  }
  if (o.repeat < 2)
    console.log(
      `stall target (worst run p99 ≤ ${STALL_FACTOR}× the median run's): run with BENCH_REPEAT=10`,
    );
  console.log(settings);
  for (const line of machineLines()) console.log(line);
}

// ---------------------------------------------------------------------------------------

async function measureIdle(
  pg: PgObserver,
  settleMs: number,
): Promise<{ backendMsPerS: number; cpuMsPerS: number; walPerS: number }> {
  await sleep(settleMs);
  const idleBefore = await pg.snapshot();
  const idleBackends = pg.backendCpu();
  const idleT0 = performance.now();
  await sleep(Math.max(5000, settleMs));
  const idleAfter = await pg.snapshot();
  const idleS = (performance.now() - idleT0) / 1000;
  return {
    backendMsPerS: (await idleBackends.stop()) / idleS,
    cpuMsPerS: (idleAfter.cpuMs - idleBefore.cpuMs) / idleS,
    walPerS: Number(idleAfter.wal - idleBefore.wal) / idleS,
  };
}

/** A number setting from the environment, fractions allowed (undefined when unset). */
function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a number above 0 (got "${v}")`);
  return n;
}

/** The retention-interplay phase's settings (see the file comment); null: not asked for. */
function longPhaseSettings(sessions: number) {
  const seconds = envInt('BENCH_LONG_SECONDS', 0, 0);
  if (seconds === 0) return null;
  const history: string = process.env.BENCH_LONG_HISTORY ?? 'due';
  if (history !== 'due' && history !== 'keep')
    throw new Error(`BENCH_LONG_HISTORY must be due or keep (got "${history}")`);
  const mode: 'due' | 'keep' = history;
  const sampleSeconds = envInt('BENCH_LONG_SAMPLE_SECONDS', Math.max(10, Math.round(seconds / 20)));
  return {
    seconds,
    only: process.env.BENCH_LONG_ONLY === '1',
    rate: envNumber('BENCH_LONG_RATE'),
    users: envInt('BENCH_LONG_USERS', sessions),
    sampleSeconds,
    retainSeconds: envInt('BENCH_LONG_RETAIN_SECONDS', Math.max(30, Math.round(seconds / 10))),
    sweepMs: envInt('BENCH_LONG_SWEEP_MS', 5000),
    sessionTimeoutSeconds: envNumber('BENCH_LONG_SESSION_TIMEOUT_SECONDS'),
    controlSeconds: envInt('BENCH_LONG_CONTROL_SECONDS', 3 * sampleSeconds, 0),
    vacuumSeconds: envInt('BENCH_LONG_VACUUM_SECONDS', 60, 0),
    history: mode,
  };
}

async function main(): Promise<number> {
  const baseUrl = await findDatabaseUrl();
  if (!baseUrl) {
    console.error(
      'npm run bench:steady needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); ' +
        'nothing answers at the default postgres://postgres@127.0.0.1:5432/postgres.',
    );
    return 1;
  }
  if (!(await pgAnswers(baseUrl))) {
    console.error(
      'npm run bench:steady: the PostgreSQL server named by DATABASE_URL does not answer.',
    );
    return 1;
  }
  const sessions = envInt('BENCH_SESSIONS', 200);
  const concurrency = Math.min(sessions, envInt('BENCH_CONCURRENCY', sessions));
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 3, 0) * 1000;
  const measureMs = envInt('BENCH_SECONDS', 15) * 1000;
  const repeat = envInt('BENCH_REPEAT', 1);
  const preloadTurns = envInt('BENCH_PRELOAD_TURNS', 1_000_000, 0);
  const preloadConversations = envInt('BENCH_PRELOAD_CONVERSATIONS', 50_000);
  const preloadDays = envInt('BENCH_PRELOAD_DAYS', 10);
  const settleMs = envInt('BENCH_SETTLE_SECONDS', 11, 0) * 1000;
  const poolSize = String(envInt('DATABASE_POOL_SIZE', 10));
  const loop = { sessions, concurrency, warmupMs, measureMs, repeat, settleMs };
  const long = longPhaseSettings(sessions);

  let db: ScratchDatabase | undefined;
  let pg: PgObserver | undefined;
  let running: Server | undefined;
  try {
    db = await createScratchDatabase(baseUrl, 'steady');
    console.log(`database: ${db.name} (scratch, dropped at the end)`);
    const serverOptions: ServerOptions = { dbUrl: db.url, poolSize, concurrency };
    const start = async (
      name: Server['name'],
      env: Record<string, string> = {},
    ): Promise<Server> => {
      running = await startServer(name, serverOptions, env);
      return running;
    };
    const stop = async (): Promise<void> => {
      const s = running;
      running = undefined;
      if (s) await stopServer(s);
    };

    let server = await start('gateway');
    const chatbotId = await publishChatbot(
      server.client,
      'steady-bench-bot',
      BENCH_FLOW,
      process.env.BENCH_TRACE_LEVEL,
    );
    if (process.env.BENCH_TRACE_LEVEL)
      console.log(`chatbot trace_level: ${process.env.BENCH_TRACE_LEVEL}`);
    pg = await PgObserver.open(db.url);
    const settings = await pg.settingsLine();
    console.log(settings);
    // The gateway's own rows of one conversation: the pattern the history is copied from.
    const template = await recordTemplate(
      { name: 'gateway', client: server.client, chatbotId, sessions: [] },
      20,
    );
    console.log(`gateway: template conversation of ${template.starts.length - 1} turns recorded`);

    const phases: Phase[] = [];
    let idle = { backendMsPerS: NaN, cpuMsPerS: NaN, walPerS: NaN };
    if (!long?.only) {
      idle = await measureIdle(pg, settleMs);
      console.log(
        `closed loop: ${concurrency} sessions in flight, ${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured, ${repeat} run(s) per phase, pool ${poolSize}; one server at a time`,
      );
      phases.push(await measurePhase(server, 'fresh', chatbotId, pg, loop));
      await stop();
      server = await start('baseline');
      await recordTemplate({ name: 'baseline', client: server.client, chatbotId, sessions: [] }, 4);
      phases.push(await measurePhase(server, 'fresh', chatbotId, pg, loop));
    }
    await stop();

    let preload: Parameters<typeof report>[2] = null;
    if (preloadTurns > 0) {
      console.log(
        `preloading ${preloadTurns.toLocaleString('en')} turns over ${Math.min(preloadConversations, preloadTurns).toLocaleString('en')} conversations (${preloadDays} days)…`,
      );
      const before = await pg.snapshot();
      const loader = new Client({ connectionString: db.url });
      await loader.connect();
      const t0 = performance.now();
      let steps: PreloadStep[];
      try {
        steps = await preloadHistory(loader, template, {
          turns: preloadTurns,
          conversations: preloadConversations,
          days: preloadDays,
          activePercent: 2,
          log: (line) => console.log(line),
        });
      } finally {
        await loader.end();
      }
      const seconds = (performance.now() - t0) / 1000;
      const after = await pg.snapshot();
      preload = {
        steps,
        seconds,
        dbBefore: before.databaseBytes,
        dbAfter: after.databaseBytes,
        storedGrowth: after.storedBytes - before.storedBytes,
      };
      console.log(`  done in ${seconds.toFixed(1)} s; database ${mb(after.databaseBytes)}`);
      if (!long?.only)
        for (const name of ['gateway', 'baseline'] as const) {
          server = await start(name);
          phases.push(await measurePhase(server, 'history', chatbotId, pg, loop));
          await stop();
        }
    }

    let retention: RetentionPhaseResult | null = null;
    if (long) {
      const pgObserver = pg;
      const fresh = phases.find((p) => p.server.name === 'gateway' && p.state === 'fresh');
      const rate = long.rate ?? (fresh ? fresh.turnsPerSecond / 2 : NaN);
      if (!(rate > 0)) throw new Error('BENCH_LONG_RATE is needed when BENCH_LONG_ONLY=1');
      const users = long.users;
      const o = {
        dbUrl: db.url,
        seconds: long.seconds,
        sampleSeconds: long.sampleSeconds,
        rate,
        users,
        retainSeconds: long.retainSeconds,
        sweepMs: long.sweepMs,
        // Well above a user's time between two requests (users / rate), so no session in use expires.
        sessionTimeoutSeconds:
          long.sessionTimeoutSeconds ??
          Math.max(15, Math.round(long.retainSeconds / 2), Math.ceil((5 * users) / rate)),
        controlSeconds: long.controlSeconds,
        warmupMs: Math.max(warmupMs, 3000),
        vacuumEveryMs: long.vacuumSeconds * 1000,
        history: preloadTurns > 0 || !long.only ? { chatbotId, mode: long.history } : null,
      };
      console.log(
        `retention interplay: ${o.seconds} s at ${rate.toFixed(1)} requests/s (${long.rate ? 'BENCH_LONG_RATE' : `half the gateway's fresh ${fresh ? Math.round(fresh.turnsPerSecond) : '?'} turns/s`}), periods ${o.retainSeconds} s, sweep every ${o.sweepMs / 1000} s, sample every ${o.sampleSeconds} s…`,
      );
      retention = await runRetentionPhase({
        ...o,
        start: (env) =>
          start('gateway', env).then((g) => ({ client: g.client, pid: g.child.child.pid })),
        stop,
        checkpoints: () => pgObserver.checkpoints(),
        log: (line) => console.log(line),
      });
    }

    if (!long?.only)
      report(phases, { concurrency, measureMs, repeat, preloadTurns }, preload, idle, settings, {
        cpu: pg.seesCpu,
        usedSpace: pg.measuresUsedSpace,
      });
    if (retention) {
      console.log('');
      for (const line of retentionReport(retention)) console.log(line);
      if (long?.only) {
        console.log(settings);
        for (const line of machineLines()) console.log(line);
      }
    } else {
      console.log(
        'retention interplay: skipped; BENCH_LONG_SECONDS=1200 runs it (20 minutes at half the fresh capacity with the retention sweep on periods of minutes), BENCH_LONG_ONLY=1 BENCH_LONG_RATE=<requests/s> alone',
      );
    }
    return 0;
  } finally {
    await pg?.close().catch(() => undefined);
    if (running) await stopServer(running).catch(() => undefined);
    await db
      ?.drop()
      .catch((err: unknown) => console.error(`could not drop ${db?.name}: ${String(err)}`));
  }
}

runBench(main);
