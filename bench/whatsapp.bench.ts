/**
 * WhatsApp webhooks end to end, against a bare baseline: `npm run bench:whatsapp`.
 *
 * Runs the built server as a child process on a fresh PostgreSQL database with one published
 * menu flow and a WhatsApp integration whose `graph_api_base` is a stub of Meta's Graph API in
 * this process (test/support/graph-api-stub.ts, on 127.0.0.1). Each user posts a signed webhook
 * event as Meta does ("Hi", then the menu's buttons tapped) and waits until its reply reaches
 * the stub: webhook → signature → inbox → 200 → turn → outbox → Graph API. Per event: the
 * 200's latency (ack) and the time from the post to the reply's arrival at the stub (end to
 * end). The same events go, in the same run, to bench/support/whatsapp-baseline.ts (node:http
 * + pg: check the signature, store the inbox row, answer, send the reply, mark the row done):
 *   1. SQL statements per event, one user;
 *   2. closed loop, BENCH_USERS users, then one user, alternating baseline/floors/gateway twice;
 *   3. open loop at half the baseline's closed-loop events/s measured just before (the same
 *      rate for all; end to end counted from when an event was due, ack from its post),
 *      BENCH_RATE_REPEAT rounds alternating, the ack target judged on the median of the
 *      rounds' p99 ratios (as bench/chat.bench.ts: one 10-s window on two shared cores is as
 *      much the machine's minute as the server's);
 *   4. BENCH_EVENTS distinct messages, BENCH_DUPLICATE_PERCENT of them posted twice (half of
 *      those both at once, half again after the reply, as Meta redelivers): each message must
 *      get exactly one reply; lost (none within BENCH_REPLY_TIMEOUT_SECONDS) and doubled
 *      (replies beyond one, BENCH_SETTLE_SECONDS after the last) are counted.
 * The closed-loop rounds also run two "required-work floors" (bench/support/whatsapp-floor.ts):
 * the rows and Graph API calls the spec requires of each message, written by a bare server
 * one statement per step as the gateway does, and the same written set-based across users;
 * their events/s over the baseline's bound what the gateway can reach with each design.
 * Closed-loop rounds also print, per event, the CPU of the server process, of the whole
 * PostgreSQL server (when it runs on this machine: /proc) and the WAL it wrote
 * (pg_current_wal_lsn), over the measured window.
 * Targets: ack p99 within 2× the baseline's (open loop, same rate); end-to-end events/s at
 * least 60 % of the baseline's (closed loop); 0 lost and 0 doubled.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_USERS (50), BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10), BENCH_SERIAL_SECONDS (5),
 * BENCH_RATE (events/s, forces the open loop's rate), BENCH_RATE_REPEAT (3), BENCH_EVENTS (10000),
 * BENCH_DUPLICATE_PERCENT (10), BENCH_REPLY_TIMEOUT_SECONDS (30), BENCH_SETTLE_SECONDS (3),
 * BENCH_SQL_EVENTS (100; 0 skips that phase), DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn).
 */
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  startGraphApiStub,
  type GraphApiStub,
  type StubRequest,
} from '../test/support/graph-api-stub';
import { signedPost, waButtonReply, waEnvelope, waText } from '../test/support/whatsapp-webhooks';
import {
  type ChildServer,
  envInt,
  machineLines,
  median,
  ms,
  ROOT,
  runBench,
  SERVER_NODE_FLAGS,
  sleep,
  startChild,
  stats,
  table,
  verdict,
} from './support/bench-kit';
import { openLoopUsers } from './support/chat-load';
import { PgObserver } from './support/pg-observe';
import {
  closedLoop,
  MENU_FLOW,
  PICKS,
  type Run,
  SESSION_TURNS,
  sqlPerTurn,
  startMenuServer,
  type Turn,
} from './support/menu-load';

const BASELINE_JS = join(ROOT, 'dist', 'bench', 'support', 'whatsapp-baseline.js');
const FLOOR_JS = join(ROOT, 'dist', 'bench', 'support', 'whatsapp-floor.js');
const APP_SECRET = 'bench-app-secret-7f3a9c21';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const GRAPH_API_VERSION = 'v21.0';

/** Posts webhook bodies as Meta does: the signed bytes as they are, without an API key. */
class WebhookPoster {
  private readonly agent: http.Agent;
  private readonly port: string;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1') throw new Error(`refusing ${url.hostname}: loopback only`);
    this.port = url.port;
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** The answer's status; 0 when there was none. */
  post(path: string, signed: { raw: Buffer; headers: Record<string, string> }): Promise<number> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path,
          agent: this.agent,
          headers: { ...signed.headers, 'content-length': String(signed.raw.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', () => resolve(0));
      req.end(signed.raw);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A server under test: the gateway or the baseline. */
interface Target {
  name: string;
  /** One letter, in the tags of its runs. */
  key: string;
  poster: WebhookPoster;
  webhookPath: string;
  pid: number | undefined;
}

// ---------------------------------------------------------------------------------------
// Users and their numbers: `2557` + a two-digit code per run + the user in five digits, so
// that no two runs share a conversation and a reply tells which run it belongs to.

const codes = new Map<string, string>();
const numberOf = (code: string, user: number) => `2557${code}${String(user).padStart(5, '0')}`;
const codeOfNumber = (to: string) => to.slice(4, 6);
/** Our wamids: `wamid.bench.<code>.<user>.<n>`. */
const codeOfWamid = (wamid: string) => wamid.split('.')[2] ?? '';

const TITLES = new Map(
  Object.values(MENU_FLOW.states).flatMap((s) => s.buttons.map((b) => [b.id, b.title] as const)),
);
const SCREENS: Record<string, { message: string }> = MENU_FLOW.states;
/** Text the reply to a tap on `id` (undefined: the first "Hi") must contain. */
const screenText = (id: string | undefined): string =>
  SCREENS[id === undefined || id === 'back' ? 'menu' : id].message.split('{{')[0];

/**
 * The stub's message sends, matched to the users waiting for them. A send to a user counts as
 * the reply it waits for when it shows the screen expected; any other send (nobody waiting, or
 * another screen) is an extra one: a doubled reply, or one that came after its timeout (then
 * its message counts as lost and the reply as an extra).
 */
class Replies {
  private readonly waiting = new Map<
    string,
    { expect: string; resolve: (at: number) => void; timer: NodeJS.Timeout }
  >();
  private readonly extras = new Map<string, number>();
  private readonly reads = new Map<string, number>();

  constructor(
    stub: GraphApiStub,
    private readonly timeoutMs: number,
  ) {
    // The stub keeps every request it gets; here each one is looked at on arrival instead, and
    // none is kept (hundreds of thousands of them would fill memory).
    stub.requests.push = (...arrived: StubRequest[]): number => {
      for (const r of arrived) this.arrived(r);
      return 0;
    };
  }

  /** performance.now() when the next send to `to` showing `expect` arrives; NaN after the timeout. */
  next(to: string, expect: string): Promise<number> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiting.get(to)?.timer === timer) this.waiting.delete(to);
        resolve(NaN);
      }, this.timeoutMs);
      this.waiting.set(to, { expect, resolve, timer });
    });
  }

  /** Stops waiting for `to`'s reply (its message was refused). */
  cancel(to: string): void {
    const w = this.waiting.get(to);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(to);
    w.resolve(NaN);
  }

  /** Sends to a run's users that no message of theirs was waiting for. */
  extrasOf(code: string): number {
    return this.extras.get(code) ?? 0;
  }

  /** Mark-read calls for a run's messages. */
  readsOf(code: string): number {
    return this.reads.get(code) ?? 0;
  }

  private arrived(r: StubRequest): void {
    const at = performance.now();
    const body = r.body as { to?: unknown; type?: unknown; status?: unknown; message_id?: unknown };
    if (r.method !== 'POST' || typeof body !== 'object' || body === null) return;
    if (body.status === 'read') {
      const code = codeOfWamid(String(body.message_id));
      this.reads.set(code, (this.reads.get(code) ?? 0) + 1);
      return;
    }
    if (typeof body.type !== 'string' || typeof body.to !== 'string') return;
    const w = this.waiting.get(body.to);
    if (w && JSON.stringify(body).includes(w.expect)) {
      clearTimeout(w.timer);
      this.waiting.delete(body.to);
      w.resolve(at);
      return;
    }
    const code = codeOfNumber(body.to);
    this.extras.set(code, (this.extras.get(code) ?? 0) + 1);
  }
}

/** What became of one message: its 200, the reply, and the duplicate's answer if any. */
interface Outcome {
  start: number;
  status: number;
  ackMs: number;
  /** NaN: no reply within the timeout (or the post was refused). */
  e2eMs: number;
  /** The duplicate post's status (200 when there was none). */
  duplicateStatus: number;
}

type Duplicate = 'no' | 'at-once' | 'after-reply';

/** One run's users, each with its messages in order: "Hi", then the menu's buttons round and round. */
class Users {
  readonly code: string;
  /** Messages sent so far (duplicates not counted). */
  sent = 0;
  private readonly counts = new Map<number, number>();

  constructor(
    private readonly target: Target,
    private readonly replies: Replies,
    tag: string,
  ) {
    if (!codes.has(tag)) codes.set(tag, String(codes.size + 10));
    this.code = codes.get(tag)!;
    if (this.code.length !== 2) throw new Error('too many runs for two-digit run codes');
  }

  async send(user: number, duplicate: Duplicate = 'no'): Promise<Outcome> {
    const n = this.counts.get(user) ?? 0;
    this.counts.set(user, n + 1);
    this.sent++;
    const from = numberOf(this.code, user);
    const wamid = `wamid.bench.${this.code}.${user}.${n}`;
    const pick = n === 0 ? undefined : PICKS[(n - 1) % PICKS.length];
    const change = pick
      ? waButtonReply(PHONE_NUMBER_ID, from, wamid, pick.id, TITLES.get(pick.id) ?? pick.id)
      : waText(PHONE_NUMBER_ID, from, wamid, 'Hi');
    const signed = signedPost(APP_SECRET, waEnvelope(change));
    const { poster, webhookPath } = this.target;
    const start = performance.now();
    const reply = this.replies.next(from, screenText(pick?.id));
    const [first, second] = await Promise.all([
      poster.post(webhookPath, signed).then((status) => ({ status, at: performance.now() })),
      duplicate === 'at-once' ? poster.post(webhookPath, signed) : Promise.resolve(200),
    ]);
    if (first.status !== 200) this.replies.cancel(from);
    const replyAt = await reply;
    const duplicateStatus =
      duplicate === 'after-reply' ? await poster.post(webhookPath, signed) : second;
    return {
      start,
      status: first.status,
      ackMs: first.at - start,
      e2eMs: replyAt - start,
      duplicateStatus,
    };
  }
}

/** Ack and end-to-end latencies of the events posted within a measured window. */
class Window {
  readonly acks: number[] = [];
  readonly e2e: number[] = [];
  private readonly from: number;
  private readonly until: number;

  constructor(warmupMs: number, measureMs: number) {
    this.from = performance.now() + warmupMs;
    this.until = this.from + measureMs;
  }

  record(o: Outcome): void {
    if (o.start < this.from || o.start >= this.until || o.status !== 200) return;
    this.acks.push(o.ackMs);
    if (Number.isFinite(o.e2eMs)) this.e2e.push(o.e2eMs);
  }
}

/** A user's next message as a menu-load Turn: answered 200, then the reply expected. */
function turnOf(users: Users, window?: Window): Turn {
  return async (user) => {
    const o = await users.send(user);
    window?.record(o);
    return o.status === 200 && Number.isFinite(o.e2eMs);
  };
}

interface Measured {
  target: Target;
  run: Run;
  window: Window;
  /** CPU time of this process (load, signatures, Graph API stub) per event, warm-up included. */
  benchCpuMs?: number;
  /** The PostgreSQL server's CPU (ms) and WAL (bytes) per event, over the measured window. */
  database?: { cpuMs: number; walBytes: number };
}

/** Closed loop, each target twice, alternating (every target, then every target again). */
async function closedRounds(
  targets: Target[],
  replies: Replies,
  o: { users: number; warmupMs: number; measureMs: number; tag: string; pg: PgObserver },
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const round of [1, 2])
    for (const target of targets) {
      const users = new Users(target, replies, `${o.tag}${round}${target.key}`);
      const window = new Window(o.warmupMs, o.measureMs);
      const cpu = process.cpuUsage();
      // The database over the same window as the server's CPU (closedLoop: from the warm-up's end).
      let dbFrom: Promise<{ cpuMs: number; wal: bigint } | undefined> | undefined;
      const dbTimer = setTimeout(() => {
        dbFrom = o.pg.cpuAndWal().catch(() => undefined);
      }, o.warmupMs);
      const run = await closedLoop(
        `${target.name} (round ${round})`,
        turnOf(users, window),
        o.users,
        o.warmupMs,
        o.measureMs,
        target.pid,
      );
      clearTimeout(dbTimer);
      const dbTo = await o.pg.cpuAndWal();
      const used = process.cpuUsage(cpu);
      const benchCpuMs = (used.user + used.system) / 1000 / Math.max(1, users.sent);
      const measured = Math.max(1, (run.turnsPerSecond * o.measureMs) / 1000);
      const from = await dbFrom;
      const database = from && {
        cpuMs: (dbTo.cpuMs - from.cpuMs) / measured,
        walBytes: Number(dbTo.wal - from.wal) / measured,
      };
      console.log(`  ${run.name}: ${Math.round(run.turnsPerSecond)} events/s`);
      out.push({ target, run, window, benchCpuMs, database });
    }
  return out;
}

function latencyCells(acks: number[], e2e: number[]): string[] {
  const a = stats(acks);
  const e = stats(e2e);
  return [ms(a.p50), ms(a.p99), ms(a.p999), ms(a.max), ms(e.p50), ms(e.p99), ms(e.p999), ms(e.max)];
}

function closedRow(m: Measured): string[] {
  return [
    m.run.name,
    Math.round(m.run.turnsPerSecond).toLocaleString('en'),
    ...latencyCells(m.window.acks, m.window.e2e),
    String(m.run.errors),
    ms(m.run.cpuMsPerTurn, 3),
    ms(m.database?.cpuMs ?? NaN, 3),
    m.database ? `${Math.round(m.database.walBytes).toLocaleString('en')} B` : '',
  ];
}

/** The sum of a target's events/s over its rounds. */
const eventsPerSecond = (runs: Measured[], target: Target): number =>
  runs.filter((m) => m.target === target).reduce((t, m) => t + m.run.turnsPerSecond, 0);

const ratiosText = (ratios: number[]) => ratios.map((r) => `${r.toFixed(2)}×`).join(', ');

/** One target's runs pooled: every measured ack and end-to-end latency. */
function pooled(runs: Measured[], target: Target): { acks: number[]; e2e: number[] } {
  const mine = runs.filter((m) => m.target === target);
  return { acks: mine.flatMap((m) => m.window.acks), e2e: mine.flatMap((m) => m.window.e2e) };
}

interface DuplicateResult {
  name: string;
  messages: number;
  posts: number;
  duplicates: number;
  refused: number;
  lost: number;
  doubled: number;
  reads: number;
  eventsPerSecond: number;
}

/**
 * `events` distinct messages over `users` users (each waits for its reply before its next),
 * `percent` of them posted twice, alternately both at once and again after the reply.
 */
async function duplicateRun(
  target: Target,
  replies: Replies,
  o: { users: number; events: number; percent: number; settleMs: number },
): Promise<DuplicateResult> {
  const users = new Users(target, replies, `d${target.key}`);
  const dupOrdinal = (i: number) => Math.floor((i * o.percent) / 100);
  let next = 0;
  let refused = 0;
  let lost = 0;
  let duplicates = 0;
  let answered = 0;
  const started = performance.now();
  let lastReply = started;
  await Promise.all(
    Array.from({ length: o.users }, async (_, user) => {
      while (next < o.events) {
        const i = next++;
        const dup = dupOrdinal(i + 1) > dupOrdinal(i);
        if (dup) duplicates++;
        const kind: Duplicate = !dup ? 'no' : dupOrdinal(i + 1) % 2 ? 'at-once' : 'after-reply';
        const r = await users.send(user, kind);
        if (r.status !== 200 || r.duplicateStatus !== 200) refused++;
        if (r.status !== 200) continue;
        if (Number.isFinite(r.e2eMs)) {
          answered++;
          lastReply = Math.max(lastReply, r.start + r.e2eMs);
        } else lost++;
      }
    }),
  );
  // Doubled replies may come after the last awaited one.
  await sleep(o.settleMs);
  return {
    name: target.name,
    messages: o.events,
    posts: o.events + duplicates,
    duplicates,
    refused,
    lost,
    doubled: replies.extrasOf(users.code),
    reads: replies.readsOf(users.code),
    eventsPerSecond: answered / ((lastReply - started) / 1000),
  };
}

async function main(): Promise<number> {
  const users = envInt('BENCH_USERS', 50);
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2, 0) * 1000;
  const measureMs = envInt('BENCH_SECONDS', 10) * 1000;
  const serialMs = envInt('BENCH_SERIAL_SECONDS', 5) * 1000;
  const events = envInt('BENCH_EVENTS', 10_000);
  const percent = envInt('BENCH_DUPLICATE_PERCENT', 10, 0);
  const settleMs = envInt('BENCH_SETTLE_SECONDS', 3, 0) * 1000;
  const sqlEvents = envInt('BENCH_SQL_EVENTS', 100, 0);
  const fixedRate = process.env.BENCH_RATE ? envInt('BENCH_RATE', 1) : undefined;
  const rateRepeat = envInt('BENCH_RATE_REPEAT', 3);
  if (percent > 100) throw new Error('BENCH_DUPLICATE_PERCENT must be at most 100');

  const stub = await startGraphApiStub({ accessToken: 'bench-graph-token-4d1e' });
  const replies = new Replies(stub, envInt('BENCH_REPLY_TIMEOUT_SECONDS', 30) * 1000);
  const server = await startMenuServer('whatsapp', { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }, users);
  if (!server) {
    await stub.close();
    return 1;
  }
  let baseline: ChildServer | undefined;
  let floorServer: ChildServer | undefined;
  let batchedServer: ChildServer | undefined;
  let pg: PgObserver | undefined;
  const posters: WebhookPoster[] = [];
  try {
    const { client, chatbotId, db } = server;
    pg = await PgObserver.open(db.url);
    const wa = await client.expect<{ webhook_url: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      {
        type: 'whatsapp',
        name: 'duka',
        phone_number_id: PHONE_NUMBER_ID,
        waba_id: WABA_ID,
        access_token: stub.accessToken,
        app_secret: APP_SECRET,
        verify_token: 'bench-verify-token',
        graph_api_base: stub.url,
        graph_api_version: GRAPH_API_VERSION,
      },
    );
    const webhookPath = new URL(wa.webhook_url).pathname;
    const bare = (name: string, script: string, env: Record<string, string> = {}) =>
      startChild(
        name,
        script,
        {
          ...env,
          DATABASE_URL: db.url,
          DATABASE_POOL_SIZE: String(envInt('DATABASE_POOL_SIZE', 10)),
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_ACCESS_TOKEN: stub.accessToken,
          GRAPH_API_BASE: stub.url,
          GRAPH_API_VERSION,
        },
        '/health/live',
        SERVER_NODE_FLAGS,
      );
    baseline = await bare('whatsapp baseline', BASELINE_JS);
    floorServer = await bare('whatsapp floor', FLOOR_JS);
    batchedServer = await bare('whatsapp floor, batched', FLOOR_JS, {
      WHATSAPP_FLOOR_BATCHED: '1',
    });
    // Two sockets a user: a duplicate can be posted at the same time as its original.
    const poster = (url: string) => {
      const p = new WebhookPoster(url, 2 * users + 8);
      posters.push(p);
      return p;
    };
    const base: Target = {
      name: 'baseline (node:http + pg)',
      key: 'b',
      poster: poster(baseline.baseUrl),
      webhookPath,
      pid: baseline.child.pid,
    };
    const gateway: Target = {
      name: 'gateway, WhatsApp',
      key: 'g',
      poster: poster(server.child.baseUrl),
      webhookPath,
      pid: server.child.child.pid,
    };
    const floor: Target = {
      name: 'required-work floor (node:http + pg)',
      key: 'f',
      poster: poster(floorServer.baseUrl),
      webhookPath,
      pid: floorServer.child.pid,
    };
    const batched: Target = {
      name: 'floor, batched across users',
      key: 'x',
      poster: poster(batchedServer.baseUrl),
      webhookPath,
      pid: batchedServer.child.pid,
    };
    const targets = [base, gateway];
    const closed = [base, floor, batched, gateway];

    // Sanity: one whole session each, every reply the screen expected.
    for (const target of closed) {
      const check = new Users(target, replies, `c${target.key}`);
      for (let step = 0; step < SESSION_TURNS; step++) {
        const o = await check.send(0);
        if (o.status !== 200 || !Number.isFinite(o.e2eMs))
          throw new Error(
            `${target.name}: message ${step} got ${o.status}${o.status === 200 ? ' but no reply as expected' : ''}`,
          );
      }
    }
    console.log(`webhook: ${webhookPath}, Graph API stub: ${stub.url}`);

    if (sqlEvents > 0) {
      const sql: number[] = [];
      for (const target of targets)
        sql.push(
          await sqlPerTurn(db, turnOf(new Users(target, replies, `q${target.key}`)), sqlEvents),
        );
      console.log(
        `SQL statements per event, one user: baseline ${sql[0].toFixed(1)}, gateway ${sql[1].toFixed(1)}`,
      );
    }

    console.log(
      `${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured (${serialMs / 1000} s for one user), each run twice, alternating`,
    );
    console.log(`closed loop, ${users} users:`);
    const loaded = await closedRounds(closed, replies, {
      users,
      warmupMs,
      measureMs,
      tag: 'l',
      pg,
    });
    console.log('one user at a time (latency without queueing):');
    const single = await closedRounds(closed, replies, {
      users: 1,
      warmupMs,
      measureMs: serialMs,
      tag: 's',
      pg,
    });

    // Open loop at half the baseline's closed-loop events/s (its two rounds' mean), for both.
    const rate = fixedRate ?? Math.max(5, Math.round(eventsPerSecond(loaded, base) / 4));
    console.log(
      `open loop at ${rate} events/s (${fixedRate ? 'BENCH_RATE' : "half the baseline's closed-loop events/s"}):`,
    );
    const open: Array<{
      target: Target;
      run: Awaited<ReturnType<typeof openLoopUsers>>;
      window: Window;
    }> = [];
    for (let round = 1; round <= rateRepeat; round++)
      for (const target of closed) {
        const window = new Window(warmupMs, measureMs);
        const turn = turnOf(new Users(target, replies, `o${round}${target.key}`), window);
        const name = `${target.name} (round ${round})`;
        const run = await openLoopUsers(name, users, (user) => turn(user, 0, 0), {
          rate,
          warmupMs,
          measureMs,
        });
        console.log(`  ${run.name}: ${Math.round(run.turnsPerSecond)} events/s`);
        open.push({ target, run, window });
      }

    console.log(
      `${events.toLocaleString('en')} messages, ${percent} % posted twice, ${users} users:`,
    );
    const dups: DuplicateResult[] = [];
    for (const target of targets) {
      const r = await duplicateRun(target, replies, { users, events, percent, settleMs });
      console.log(`  ${r.name}: lost ${r.lost}, doubled ${r.doubled}`);
      dups.push(r);
    }

    const header = [
      '',
      'events/s',
      'ack p50',
      'ack p99',
      'ack p99.9',
      'ack max',
      'e2e p50',
      'e2e p99',
      'e2e p99.9',
      'e2e max',
      'errors',
    ];
    console.log('');
    console.log(
      `Closed loop, ${users} concurrent users (ack: the webhook's 200; e2e: to the reply at the stub)`,
    );
    const perEvent = ['server CPU/event', 'PostgreSQL CPU/event', 'WAL/event'];
    console.log(table([[...header, ...perEvent], ...loaded.map(closedRow)]));
    const mean = (t: Target, of: (m: Measured) => number | undefined) => {
      const mine = loaded.filter((m) => m.target === t);
      return mine.reduce((sum, m) => sum + (of(m) ?? NaN), 0) / mine.length;
    };
    const benchCpu = (t: Target) => mean(t, (m) => m.benchCpuMs);
    console.log(
      `this process's CPU per event (load, signatures, Graph API stub; same machine): ${[base, floor, batched, gateway].map((t) => `${ms(benchCpu(t), 3)} with ${t.name}`).join(', ')}`,
    );
    // The closed loop keeps the machine's cores busy: events/s follow the CPU an event costs.
    const allCpu = (t: Target) =>
      mean(t, (m) => m.run.cpuMsPerTurn) + mean(t, (m) => m.database?.cpuMs) + benchCpu(t);
    console.log(
      `CPU per event of the server, PostgreSQL and this process together (the baseline's as a share of each): ${[base, floor, batched, gateway].map((t) => `${t.name} ${ms(allCpu(t), 3)} (${((100 * allCpu(base)) / allCpu(t)).toFixed(1)} %)`).join(', ')}`,
    );
    console.log('');
    console.log('One user at a time');
    console.log(table([[...header, ...perEvent], ...single.map(closedRow)]));
    console.log('');
    console.log(
      `Open loop at ${rate} events/s, ${users} users (ack from the post, e2e from the due time; late: events that waited for a user still waiting for its reply)`,
    );
    console.log(
      table([
        [...header, 'late'],
        ...open.map((m) => [
          m.run.name,
          Math.round(m.run.turnsPerSecond).toLocaleString('en'),
          ...latencyCells(m.window.acks, m.run.latenciesMs),
          String(m.run.errors),
          m.run.lateStarts.toLocaleString('en'),
        ]),
      ]),
    );
    console.log('');
    console.log(
      `Duplicates: ${events.toLocaleString('en')} messages, ${percent} % posted twice (half at once, half after the reply), replies counted at the stub`,
    );
    console.log(
      table([
        ['', 'posts', 'refused', 'lost', 'doubled', 'mark-reads', 'events/s'],
        ...dups.map((r) => [
          r.name,
          r.posts.toLocaleString('en'),
          String(r.refused),
          String(r.lost),
          String(r.doubled),
          r.reads.toLocaleString('en'),
          Math.round(r.eventsPerSecond).toLocaleString('en'),
        ]),
      ]),
    );
    console.log('');

    const throughput = eventsPerSecond(loaded, gateway) / eventsPerSecond(loaded, base);
    const serial = eventsPerSecond(single, gateway) / eventsPerSecond(single, base);
    const openOf = (t: Target) => open.filter((m) => m.target === t);
    const openP99s = (t: Target) => openOf(t).map((m) => stats(m.window.acks).p99);
    // Each round's p99 over the baseline's of the same round; the target takes their median.
    const [baseP99s, gatewayP99s] = [openP99s(base), openP99s(gateway)];
    const overBase = (p99s: number[]) => p99s.map((p99, i) => p99 / baseP99s[i]);
    const ackRatios = overBase(gatewayP99s);
    const ackRatio = median(ackRatios);
    const byRound = ackRatios
      .map((r, i) => `${ms(gatewayP99s[i])} vs ${ms(baseP99s[i])}: ${r.toFixed(2)}×`)
      .join(', ');
    const [floorRatios, batchedRatios] = [floor, batched].map((t) => overBase(openP99s(t)));
    const [baseClosed, gatewayClosed] = targets.map((t) => stats(pooled(loaded, t).acks).p99);
    console.log(
      `end-to-end events/s gateway / baseline: ${(throughput * 100).toFixed(1)} % under load, ${(serial * 100).toFixed(1)} % one at a time`,
    );
    const pct = (a: Target, b: Target, runs: Measured[]) =>
      `${((100 * eventsPerSecond(runs, a)) / eventsPerSecond(runs, b)).toFixed(1)} %`;
    console.log(
      `required-work floor / baseline: ${pct(floor, base, loaded)} under load, ${pct(floor, base, single)} one at a time; batched across users: ${pct(batched, base, loaded)} under load; gateway / floor: ${pct(gateway, floor, loaded)} under load, ${pct(gateway, floor, single)} one at a time`,
    );
    console.log(
      `ack p99 gateway / baseline: ${ackRatio.toFixed(2)}× in the open loop at ${rate} events/s (median of the rounds' ${byRound}), ${(gatewayClosed / baseClosed).toFixed(2)}× in the closed loop (${ms(gatewayClosed)} vs ${ms(baseClosed)})`,
    );
    console.log(
      `open-loop ack p99 over the baseline's: required-work floor ${median(floorRatios).toFixed(2)}× (${ratiosText(floorRatios)}), batched across users ${median(batchedRatios).toFixed(2)}× (${ratiosText(batchedRatios)})`,
    );
    const g = dups[1];
    console.log(
      `target ack p99 ≤ 2× the baseline's (open loop, same rate): ${verdict(ackRatio <= 2 && openOf(gateway).every((m) => m.run.errors === 0))}`,
    );
    console.log(
      `target end-to-end events/s ≥ 60 % of the baseline's: ${verdict(throughput >= 0.6)}`,
    );
    console.log(
      `target 0 lost and 0 doubled over ${events.toLocaleString('en')} messages (${g.duplicates} posted twice): ${verdict(g.lost === 0 && g.doubled === 0 && g.refused === 0)} (lost ${g.lost}, doubled ${g.doubled}, refused ${g.refused})`,
    );
    for (const line of machineLines()) console.log(line);
    return 0;
  } finally {
    for (const p of posters) p.close();
    await pg?.close().catch(() => undefined);
    await baseline?.stop().catch(() => undefined);
    await floorServer?.stop().catch(() => undefined);
    await batchedServer?.stop().catch(() => undefined);
    await server.stop();
    await stub.close();
  }
}

runBench(main);
