/**
 * The retention-interplay phase of `npm run bench:steady` (issue 15): does the database stay
 * flat under a long steady load while the retention sweep (docs/retention.md) runs?
 *
 * Time is compressed: the gateway runs with periods of seconds instead of days (traces,
 * messages, outbox and inbox kept `retainSeconds`, a sweep every `sweepMs`), and the flow's
 * sessions expire after `sessionTimeoutSeconds` without a message. An open loop at a fixed
 * rate drives `users` users; each user's session takes 8 to 24 turns, then is closed
 * (DELETE, every other one) or abandoned (left to expire), and the user opens a new one. So
 * traces fall due `retainSeconds` after their turn, and a conversation's messages
 * `retainSeconds` after it closed or expired, all through the run.
 *
 * Every `sampleSeconds` it reads each swept table's row count (count(*)), total relation
 * size (table, TOAST and indexes: pg_total_relation_size) and dead rows, what the sweep
 * deleted (the gateway's retention_deleted_rows_total), the gateway's and PostgreSQL's CPU,
 * and the latency of the requests due in that window. After the run, the same open loop
 * runs for `controlSeconds` on a gateway with the sweep off, for the latency without it.
 * Where the server has autovacuum off (this machine's CI setting), a stand-in vacuums as
 * autovacuum's defaults would (autovacuumStandIn): without vacuum, no freed space is reused.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  LoopbackClient,
  median,
  ms,
  processCpuMs,
  publishChatbot,
  sleep,
  stats,
  table,
} from './bench-kit';
import { BENCH_FLOW } from './bench-flow';
import { SessionCursor, nextMessage, openLoopUsers } from './chat-load';
import { findPostmaster, postgresCpuMs } from './pg-observe';
import { parsePrometheus } from './prom-text';

export const SWEPT_TABLES = [
  'messages',
  'conversation_traces',
  'outbox',
  'inbox_events',
  'conversations',
] as const;
export type SweptTable = (typeof SWEPT_TABLES)[number];

/** The tables the flat verdict reads: those every turn writes to and the sweep deletes from. */
export const FLAT_TABLES: readonly SweptTable[] = ['messages', 'conversation_traces'];
/** Flat (see flatChecks): rows within this share of the middle third's, growth within this share of what was written. */
export const FLAT_TOLERANCE = 0.2;

const SHORT: Record<SweptTable, string> = {
  messages: 'messages',
  conversation_traces: 'traces',
  outbox: 'outbox',
  inbox_events: 'inbox',
  conversations: 'conversations',
};

/** A gateway the phase started (and the caller stops). */
export interface RunningGateway {
  client: LoopbackClient;
  pid: number | undefined;
}

export interface RetentionPhaseOptions {
  dbUrl: string;
  seconds: number;
  sampleSeconds: number;
  /** Requests per second: turns, session openings and closings alike. */
  rate: number;
  users: number;
  retainSeconds: number;
  sweepMs: number;
  sessionTimeoutSeconds: number;
  /** Seconds of the same load with the sweep off, after the run (0: none). */
  controlSeconds: number;
  /** Unmeasured start of the control run (a new process). */
  warmupMs: number;
  /** Where the server has autovacuum off: the stand-in's period (0: none); see autovacuumStandIn. */
  vacuumEveryMs: number;
  /** Checkpoints the server has made so far (PgObserver.checkpoints). */
  checkpoints(): Promise<number>;
  /**
   * The history's chatbot (null: none). `due`: its rows fall under the short periods like
   * the rest (the sweep deletes the history during the run; its sessions still open from the
   * closed-loop phases are expired first, as their 30-minute timeout would have in real
   * time). `keep`: it keeps everything (its own periods 0), so the sweep steps over it.
   */
  history: { chatbotId: string; mode: 'due' | 'keep' } | null;
  start(env: Record<string, string>): Promise<RunningGateway>;
  stop(): Promise<void>;
  log(line: string): void;
}

/** The gateway's settings for the phase: every period `retainSeconds`, in days. */
export function retentionEnv(retainSeconds: number, sweepMs: number): Record<string, string> {
  const days = (retainSeconds / 86_400).toFixed(9);
  return {
    TRACE_RETENTION_DAYS: days,
    MESSAGE_RETENTION_DAYS: days,
    OUTBOX_RETENTION_DAYS: days,
    INBOX_RETENTION_DAYS: days,
    RETENTION_SWEEP_MS: String(sweepMs),
  };
}

export interface TableSample {
  rows: number;
  bytes: number;
  dead: number;
  /** Vacuums so far, manual and automatic (pg_stat_user_tables). */
  vacuums: number;
  /** Rows inserted so far (pg_stat_user_tables.n_tup_ins). */
  inserted: number;
}

export interface Sample {
  /** Seconds since the load began (negative: before it). */
  atS: number;
  tables: Record<SweptTable, TableSample>;
  /** retention_deleted_rows_total per table so far (this gateway process). */
  deleted: Map<string, number>;
  gatewayCpuMs: number;
  pgCpuMs: number;
  /** The machine's 1-minute load average (other jobs share it). */
  load: number;
  checkpoints: number;
}

export interface Window {
  fromS: number;
  toS: number;
  latenciesMs: number[];
  errors: number;
}

export interface RequestCounts {
  turns: number;
  opened: number;
  closed: number;
  abandoned: number;
  /**
   * Failed requests by what they were and the answer ("turn 410": the session expired while
   * in use, a stalled server; "no answer": a socket error or the client's 30 s timeout).
   */
  failures: Record<string, number>;
}

const noCounts = (): RequestCounts => ({
  turns: 0,
  opened: 0,
  closed: 0,
  abandoned: 0,
  failures: {},
});

export interface RetentionPhaseResult {
  options: Omit<RetentionPhaseOptions, 'start' | 'stop' | 'log' | 'checkpoints'>;
  start: Sample;
  samples: Sample[];
  windows: Window[];
  counts: RequestCounts;
  achievedRate: number;
  /** The control run with the sweep off: its windows, load average at its end, requests. */
  control: { windows: Window[]; load: number; counts: RequestCounts } | null;
  pgCpu: boolean;
  /** The server's autovacuum setting, and what the stand-in did where it is off. */
  autovacuum: boolean;
  standIn: VacuumLog | null;
}

/** The users' sessions: each takes its turns, then is closed or abandoned, and a new one opens. */
class Sessions {
  private readonly slots: Array<{
    s: SessionCursor | null;
    turns: number;
    limit: number;
    close: boolean;
  }>;
  private opened = 0;
  counts = noCounts();

  constructor(
    public client: LoopbackClient,
    private readonly chatbotId: string,
    users: number,
  ) {
    this.slots = Array.from({ length: users }, () => ({
      s: null,
      turns: 0,
      limit: 0,
      close: false,
    }));
  }

  private get path(): string {
    return `/api/dev/v1/chatbots/${this.chatbotId}/chat/sessions`;
  }

  /** Opens every user's first session (not counted). */
  async prefill(parallel = 8): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.slots.length) {
        const user = next++;
        if (!(await this.open(user))) throw new Error('could not open a session');
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    this.counts = noCounts();
  }

  private fail(what: string): false {
    this.counts.failures[what] = (this.counts.failures[what] ?? 0) + 1;
    return false;
  }

  private async open(user: number): Promise<boolean> {
    const slot = this.slots[user];
    const r = await this.client.request('POST', this.path, {});
    this.counts.opened++;
    if (r.status !== 201) return this.fail(`open ${r.status}`);
    const body = r.body as { session_id: string; current_state: string | null };
    const n = this.opened++;
    slot.s = { id: body.session_id, state: body.current_state, step: n };
    slot.turns = 0;
    slot.limit = 8 + ((n * 7) % 17);
    slot.close = n % 2 === 0;
    return true;
  }

  /** The user's next request: a turn, or ending the session, or opening the next one. */
  async send(user: number): Promise<boolean> {
    try {
      return await this.next(user);
    } catch (err) {
      this.fail('no answer');
      throw err;
    }
  }

  private async next(user: number): Promise<boolean> {
    const slot = this.slots[user];
    if (slot.s && slot.turns >= slot.limit) {
      if (slot.close) {
        const r = await this.client.request('DELETE', `${this.path}/${slot.s.id}`);
        slot.s = null;
        this.counts.closed++;
        return r.status === 204 || this.fail(`close ${r.status}`);
      }
      this.counts.abandoned++;
      slot.s = null;
    }
    if (!slot.s) return this.open(user);
    const r = await this.client.request('POST', `${this.path}/${slot.s.id}/messages`, {
      message: nextMessage(slot.s),
    });
    this.counts.turns++;
    if (r.status === 200) {
      slot.s.state = (r.body as { current_state?: string | null }).current_state ?? null;
      slot.turns++;
      return true;
    }
    // Expired or gone under us: the user goes on with a new session.
    if (r.status === 404 || r.status === 410) slot.s = null;
    return this.fail(`turn ${r.status}`);
  }
}

async function readTables(db: Client): Promise<Record<SweptTable, TableSample>> {
  const sql = SWEPT_TABLES.map(
    (t) =>
      `SELECT '${t}' AS name, (SELECT count(*) FROM ${t}) AS rows,
              pg_total_relation_size('${t}') AS bytes,
              s.n_dead_tup AS dead, s.vacuum_count + s.autovacuum_count AS vacuums,
              s.n_tup_ins AS inserted
         FROM pg_stat_user_tables s WHERE s.relid = '${t}'::regclass`,
  ).join(' UNION ALL ');
  const r = await db.query<{
    name: SweptTable;
    rows: string;
    bytes: string;
    dead: string;
    vacuums: string;
    inserted: string;
  }>(sql);
  const out = {} as Record<SweptTable, TableSample>;
  for (const row of r.rows)
    out[row.name] = {
      rows: Number(row.rows),
      bytes: Number(row.bytes),
      dead: Number(row.dead),
      vacuums: Number(row.vacuums),
      inserted: Number(row.inserted),
    };
  return out;
}

/** What the autovacuum stand-in did: vacuums and seconds per table. */
export type VacuumLog = Map<string, { runs: number; seconds: number }>;

/**
 * Stands in for autovacuum on a server that has it off (a CI setting): every `everyMs`, a
 * `VACUUM (ANALYZE)` of each swept table with more dead rows than autovacuum's default
 * threshold (50 + 20 % of its live rows), throttled as autovacuum is by default
 * (vacuum_cost_delay 2 ms, vacuum_cost_limit 200). Like autovacuum it takes no lock a turn
 * or the sweep waits for.
 */
function autovacuumStandIn(url: string, everyMs: number): { stop(): Promise<VacuumLog> } {
  const log: VacuumLog = new Map();
  let stopping = false;
  const run = async (): Promise<void> => {
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(`SET vacuum_cost_delay = '2ms'`);
      await db.query('SET vacuum_cost_limit = 200');
      for (;;) {
        for (let waited = 0; waited < everyMs && !stopping; waited += 200) await sleep(200);
        if (stopping) return;
        const due = await db.query<{ name: string }>(
          `SELECT relname AS name FROM pg_stat_user_tables
            WHERE relname = ANY($1) AND n_dead_tup > 50 + 0.2 * n_live_tup`,
          [[...SWEPT_TABLES]],
        );
        for (const { name } of due.rows) {
          const t0 = performance.now();
          await db.query(`VACUUM (ANALYZE) ${name}`);
          const e = log.get(name) ?? { runs: 0, seconds: 0 };
          e.runs++;
          e.seconds += (performance.now() - t0) / 1000;
          log.set(name, e);
        }
      }
    } finally {
      await db.end().catch(() => undefined);
    }
  };
  const running = run();
  return {
    stop: async () => {
      stopping = true;
      await running;
      return log;
    },
  };
}

async function deletedSoFar(client: LoopbackClient): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await client.request('GET', '/metrics');
  if (r.status !== 200) return out;
  for (const [series, v] of parsePrometheus(String(r.body))) {
    const m = /^retention_deleted_rows_total\{.*table="([^"]+)"/.exec(series);
    if (m) out.set(m[1], v);
  }
  return out;
}

function windowsOf(seconds: number, each: number): Window[] {
  return Array.from({ length: Math.ceil(seconds / each) }, (_, i) => ({
    fromS: i * each,
    toS: Math.min(seconds, (i + 1) * each),
    latenciesMs: [],
    errors: 0,
  }));
}

/** Files each request's latency (from its due time) under the window it was due in. */
function intoWindows(windows: Window[], t0: number) {
  const ms = (windows[0]?.toS ?? 1) * 1000;
  return (due: number, done: number, ok: boolean): void => {
    if (due < t0) return;
    const w = windows[Math.min(windows.length - 1, Math.floor((due - t0) / ms))];
    if (ok) w.latenciesMs.push(done - due);
    else w.errors++;
  };
}

/** Runs the phase; the caller's start()/stop() own the gateway processes. */
export async function runRetentionPhase(o: RetentionPhaseOptions): Promise<RetentionPhaseResult> {
  const db = new Client({ connectionString: o.dbUrl });
  await db.connect();
  try {
    const host = new URL(o.dbUrl).hostname;
    const local = ['', 'localhost', '127.0.0.1', '::1', '[::1]'].includes(host);
    const [{ pid }] = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const postmaster = local ? findPostmaster(pid) : null;
    const [{ on }] = (
      await db.query<{ on: boolean }>(`SELECT current_setting('autovacuum') = 'on' AS on`)
    ).rows;

    if (o.history?.mode === 'due') {
      const r = await db.query(
        `UPDATE conversations SET expires_at = now()
          WHERE chatbot_id = $1 AND status = 'ACTIVE' AND expires_at > now()`,
        [o.history.chatbotId],
      );
      o.log(
        `  the closed-loop phases' ${r.rowCount ?? 0} open sessions expired now (their 30-minute timeout, compressed)`,
      );
    }
    const env = retentionEnv(o.retainSeconds, o.sweepMs);
    const gateway = await o.start(env);
    if (o.history?.mode === 'keep')
      await gateway.client.expect(200, 'PATCH', `/api/dev/v1/chatbots/${o.history.chatbotId}`, {
        retention: { traces_days: 0, messages_days: 0 },
      });
    const sample = async (atS: number, client: LoopbackClient): Promise<Sample> => ({
      atS,
      tables: await readTables(db),
      deleted: await deletedSoFar(client),
      gatewayCpuMs: processCpuMs(gateway.pid),
      pgCpuMs: postgresCpuMs(postmaster),
      load: os.loadavg()[0],
      checkpoints: await o.checkpoints(),
    });
    // Before the first sweep (one sweep interval after start-up): the sizes as they came.
    const start = await sample(NaN, gateway.client);
    const chatbotId = await publishChatbot(gateway.client, 'retention-bench-bot', {
      ...BENCH_FLOW,
      settings: { ...BENCH_FLOW.settings, session_timeout_minutes: o.sessionTimeoutSeconds / 60 },
    });
    const sessions = new Sessions(gateway.client, chatbotId, o.users);
    await sessions.prefill();

    const windows = windowsOf(o.seconds, o.sampleSeconds);
    const vacuum = !on && o.vacuumEveryMs > 0 ? autovacuumStandIn(o.dbUrl, o.vacuumEveryMs) : null;
    const t0 = performance.now();
    const load = openLoopUsers('gateway', o.users, (user) => sessions.send(user), {
      rate: o.rate,
      warmupMs: 0,
      measureMs: o.seconds * 1000,
      onDone: intoWindows(windows, t0),
    });
    const samples: Sample[] = [await sample(0, gateway.client)];
    for (let i = 0; i < windows.length; i++) {
      await sleep(Math.max(0, t0 + windows[i].toS * 1000 - performance.now()));
      const s = await sample(windows[i].toS, gateway.client);
      samples.push(s);
      const w = windows[i];
      o.log(
        `  ${w.toS} s: ${FLAT_TABLES.map((t) => `${SHORT[t]} ${s.tables[t].rows.toLocaleString('en')} rows ${mbText(s.tables[t].bytes)}`).join(', ')}; p99 so far ${ms(stats(w.latenciesMs).p99, 1)}`,
      );
    }
    const result = await load;
    const standIn = (await vacuum?.stop()) ?? null;
    const counts = structuredClone(sessions.counts);
    await o.stop();

    let control: RetentionPhaseResult['control'] = null;
    if (o.controlSeconds > 0) {
      const off = await o.start({ ...env, RETENTION_SWEEP_MS: '0' });
      sessions.client = off.client;
      sessions.counts = noCounts();
      const offWindows = windowsOf(o.controlSeconds, o.sampleSeconds);
      await openLoopUsers('gateway', o.users, (user) => sessions.send(user), {
        rate: o.rate,
        warmupMs: o.warmupMs,
        measureMs: o.controlSeconds * 1000,
        // openLoopUsers starts 5 ms after it is called; its warm-up is left out.
        onDone: intoWindows(offWindows, performance.now() + 5 + o.warmupMs),
      });
      control = { windows: offWindows, load: os.loadavg()[0], counts: sessions.counts };
      await o.stop();
    }
    return {
      options: {
        dbUrl: o.dbUrl,
        seconds: o.seconds,
        sampleSeconds: o.sampleSeconds,
        rate: o.rate,
        users: o.users,
        retainSeconds: o.retainSeconds,
        sweepMs: o.sweepMs,
        sessionTimeoutSeconds: o.sessionTimeoutSeconds,
        controlSeconds: o.controlSeconds,
        warmupMs: o.warmupMs,
        vacuumEveryMs: o.vacuumEveryMs,
        history: o.history,
      },
      start,
      samples,
      windows,
      counts,
      achievedRate: result.sent / o.seconds,
      control,
      pgCpu: postmaster !== null,
      autovacuum: on,
      standIn,
    };
  } finally {
    await db.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------
// Verdict and report

/** Flat rows: the last third's mean row count against the middle third's. */
export interface RowCheck {
  table: SweptTable;
  middle: number;
  last: number;
  /** last / middle − 1 */
  change: number;
  ok: boolean;
}

/** Flat size: how much of what the last third wrote took new space in the files. */
export interface SpaceCheck {
  table: SweptTable;
  /** Size growth over the last third (bytes). */
  grew: number;
  /**
   * Bytes the rows inserted in the last third take, at the table's size per row version
   * (live and dead) at the end: an upper bound, as the size holds free space too.
   */
  written: number;
  /** grew / written: 0 when freed space is reused, about 1 when nothing is. */
  share: number;
  ok: boolean;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Flat, for each of FLAT_TABLES, over the last third of the run against what came before
 * (the first third is left out: the tables fill up to a period's worth then, and a history
 * due at the start is deleted):
 *   - rows: the mean row count of the last third's samples is within ±FLAT_TOLERANCE of the
 *     middle third's (the sweep deletes as fast as turns write);
 *   - size: over the last third, the files grew by at most FLAT_TOLERANCE of what the rows
 *     inserted in it take (rows inserted × the table's size per row version, live or
 *     dead, at the end). Space the
 *     sweep freed, once vacuumed, is reused; a file that keeps growing by what is written
 *     reuses none. A size relative to the table would hide that under a large kept history.
 * Null when the run has too few samples for thirds.
 */
export function flatChecks(
  samples: Sample[],
  seconds: number,
): { rows: RowCheck[]; space: SpaceCheck[] } | null {
  const middle = samples.filter((s) => s.atS > seconds / 3 && s.atS <= (2 * seconds) / 3);
  const last = samples.filter((s) => s.atS > (2 * seconds) / 3);
  if (!middle.length || !last.length) return null;
  const from = middle[middle.length - 1];
  const to = last[last.length - 1];
  const rows: RowCheck[] = [];
  const space: SpaceCheck[] = [];
  for (const table of FLAT_TABLES) {
    const m = mean(middle.map((s) => s.tables[table].rows));
    const l = mean(last.map((s) => s.tables[table].rows));
    const change = m > 0 ? l / m - 1 : l === 0 ? 0 : Infinity;
    rows.push({ table, middle: m, last: l, change, ok: Math.abs(change) <= FLAT_TOLERANCE });
    const end = to.tables[table];
    const grew = end.bytes - from.tables[table].bytes;
    // Bytes a row takes, from the first sample (before the sweep freed anything): the file at
    // the end holds the freed space too, and would make each row look many times larger.
    // With no rows at first, the end's file is the only measure (an overestimate).
    const first = samples[0].tables[table];
    const sized = first.rows + first.dead > 0 ? first : end;
    const perRow = sized.bytes / Math.max(1, sized.rows + sized.dead);
    const written = (end.inserted - from.tables[table].inserted) * perRow;
    const share = written > 0 ? Math.max(0, grew) / written : 0;
    space.push({ table, grew, written, share, ok: share <= FLAT_TOLERANCE });
  }
  return { rows, space };
}

const mbText = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const int = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a';
const signedPct = (v: number): string =>
  Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %` : 'n/a';

export function retentionReport(r: RetentionPhaseResult): string[] {
  const o = r.options;
  const lines: string[] = [];
  const at = (s: Sample): string => (Number.isNaN(s.atS) ? 'start-up' : `${s.atS} s`);
  const cell = (t: TableSample): string => `${int(t.rows)} / ${mbText(t.bytes)}`;
  lines.push(
    `Retention under load: ${o.seconds} s open loop at ${o.rate.toFixed(1)} requests/s (${r.achievedRate.toFixed(1)} answered/s) over ${o.users} users; every period ${o.retainSeconds} s (traces, messages, outbox, inbox), sweep every ${o.sweepMs / 1000} s, sessions expire after ${o.sessionTimeoutSeconds} s idle; history ${o.history ? o.history.mode : 'none'}`,
  );
  lines.push(
    'rows / total relation size (table, TOAST, indexes) at each time; p99 of the window ending there',
  );
  lines.push(
    table([
      ['time', ...SWEPT_TABLES.map((t) => SHORT[t]), 'window p99'],
      ...[r.start, ...r.samples].map((s, i) => {
        const w = i >= 2 ? r.windows[i - 2] : undefined;
        return [
          at(s),
          ...SWEPT_TABLES.map((t) => cell(s.tables[t])),
          w ? ms(stats(w.latenciesMs).p99, 1) : '',
        ];
      }),
    ]),
  );
  lines.push('');
  lines.push(
    "per window: requests answered, latency from due time, CPU (share of one core; PostgreSQL: the whole server, other databases included), rows the sweep deleted, dead rows at the end (statistics, up to a few seconds late), vacuums, checkpoints, the machine's 1-minute load average",
  );
  lines.push(
    table([
      [
        'window',
        'req/s',
        'p50',
        'p99',
        'max',
        'errors',
        'gateway CPU',
        'PG CPU (server)',
        'deleted msgs',
        'deleted traces',
        'dead msgs',
        'dead traces',
        'vacuums msgs / traces',
        'checkpoints',
        'load avg',
      ],
      ...r.windows.map((w, i) => {
        const a = r.samples[i];
        const b = r.samples[i + 1];
        const s = stats(w.latenciesMs);
        const secs = b.atS - a.atS;
        const cpu = (x: number, y: number): string =>
          Number.isFinite(y - x) ? `${((y - x) / 10 / secs).toFixed(0)} %` : 'n/a';
        const del = (t: string): string => int((b.deleted.get(t) ?? 0) - (a.deleted.get(t) ?? 0));
        return [
          `${w.fromS}–${w.toS} s`,
          (s.count / (w.toS - w.fromS)).toFixed(1),
          ms(s.p50, 1),
          ms(s.p99, 1),
          ms(s.max, 0),
          String(w.errors),
          cpu(a.gatewayCpuMs, b.gatewayCpuMs),
          cpu(a.pgCpuMs, b.pgCpuMs),
          del('messages'),
          del('conversation_traces'),
          int(b.tables.messages.dead),
          int(b.tables.conversation_traces.dead),
          `${b.tables.messages.vacuums - a.tables.messages.vacuums} / ${b.tables.conversation_traces.vacuums - a.tables.conversation_traces.vacuums}`,
          String(b.checkpoints - a.checkpoints),
          b.load.toFixed(1),
        ];
      }),
    ]),
  );
  lines.push('');
  const first = r.start;
  const end = r.samples[r.samples.length - 1];
  for (const t of SWEPT_TABLES) {
    const peak = [r.start, ...r.samples].reduce((p, s) =>
      s.tables[t].rows > p.tables[t].rows ? s : p,
    );
    const peakMb = Math.max(...[r.start, ...r.samples].map((s) => s.tables[t].bytes));
    lines.push(
      `${SHORT[t]}: start ${cell(first.tables[t])}, end ${cell(end.tables[t])}; peak ${int(peak.tables[t].rows)} rows at ${at(peak)}, ${mbText(peakMb)}` +
        (t === 'conversations'
          ? ' (the row of a finished conversation stays: grows with sessions)'
          : '') +
        ((t === 'outbox' || t === 'inbox_events') && end.tables[t].rows === 0
          ? ' (Chat API turns write no queue rows)'
          : ''),
    );
  }
  const checks = flatChecks(r.samples, o.seconds);
  if (!checks) lines.push('flat: n/a (too few samples for thirds of the run)');
  else {
    const flat = [...checks.rows, ...checks.space].every((c) => c.ok);
    lines.push(
      `flat = over the last third of the run, for messages and traces: mean rows within ±${FLAT_TOLERANCE * 100} % of the middle third's, and the files grew by at most ${FLAT_TOLERANCE * 100} % of what the rows inserted in it take (freed space reused): ${flat ? 'flat' : 'NOT flat'}`,
    );
    for (const [i, c] of checks.rows.entries()) {
      const sp = checks.space[i];
      lines.push(
        `  ${SHORT[c.table]}: rows ${int(c.middle)} → ${int(c.last)} (${signedPct(c.change)}); size ${sp.grew >= 0 ? '+' : ''}${mbText(sp.grew)} while ${mbText(sp.written)} was written: ${(sp.share * 100).toFixed(0)} % took new space`,
      );
    }
  }
  const p99s = r.windows.map((w) => stats(w.latenciesMs).p99);
  const worst = p99s.reduce((w, v, i) => (v > p99s[w] ? i : w), 0);
  const last = p99s[p99s.length - 1];
  lines.push(
    `window p99: first ${ms(p99s[0], 1)} (a new process, and the sweep's first passes), last ${ms(last, 1)}, median ${ms(median(p99s), 1)}, worst ${ms(p99s[worst], 1)} (${r.windows[worst].fromS}–${r.windows[worst].toS} s)` +
      '',
  );
  if (r.control) {
    const off = r.control.windows.map((w) => stats(w.latenciesMs).p99);
    const all = stats(r.control.windows.flatMap((w) => w.latenciesMs));
    lines.push(
      `the same load with the sweep off, ${o.controlSeconds} s on a new gateway after the run (after ${o.warmupMs / 1000} s warm-up): window p99s ${off.map((v) => ms(v, 1)).join(', ')}, median ${ms(median(off), 1)}; p50 ${ms(all.p50, 1)}, max ${ms(all.max, 0)}; failed: ${failedText(r.control.counts)}; load average ${r.control.load.toFixed(1)}. Median window p99 with the sweep / without: ${(median(p99s) / median(off)).toFixed(2)}×`,
    );
  }
  if (r.autovacuum) lines.push("autovacuum: on (the server's own, as configured)");
  else if (r.standIn)
    lines.push(
      `autovacuum is off on this server; the bench stood in for it (every ${o.vacuumEveryMs / 1000} s, VACUUM (ANALYZE) of each swept table with more than 50 + 20 % dead rows, cost-limited as autovacuum's defaults): ${
        [...r.standIn]
          .map(([t, v]) => `${SHORT[t as SweptTable] ?? t} ${v.runs}× (${v.seconds.toFixed(1)} s)`)
          .join(', ') || 'nothing was due'
      }`,
    );
  else
    lines.push(
      'autovacuum is off on this server and nothing stood in for it: deleted rows leave dead space that is never reused, so sizes only grow',
    );
  const c = r.counts;
  lines.push(
    `requests: ${int(c.turns)} turns, ${int(c.opened)} sessions opened, ${int(c.closed)} closed, ${int(c.abandoned)} abandoned to expire; failed: ${failedText(c)}` +
      (r.pgCpu ? '' : '; PostgreSQL runs elsewhere: no PG CPU'),
  );
  return lines;
}

function failedText(c: RequestCounts): string {
  return (
    Object.entries(c.failures)
      .map(([what, n]) => `${what} × ${n}`)
      .join(', ') || 'none'
  );
}
