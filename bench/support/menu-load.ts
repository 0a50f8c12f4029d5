/**
 * What the channel benchmarks share (bench:ussd, bench:sms): one menu flow, the same
 * conversations sent through the Chat API as the baseline, a closed-loop driver, and the table
 * row of a run.
 */
import { performance } from 'node:perf_hooks';
import {
  BENCH_API_KEY,
  BENCH_ENCRYPTION_KEY,
  type ChildServer,
  createScratchDatabase,
  envInt,
  findDatabaseUrl,
  LoopbackClient,
  machineLines,
  MAIN_JS,
  ms,
  pgAnswers,
  processCpuMs,
  type ScratchDatabase,
  SERVER_NODE_FLAGS,
  startChild,
  stats,
  table,
  transactions,
  verdict,
  publishChatbot,
} from './bench-kit';
import { openLoopUsers } from './chat-load';

/** A menu of three options, each answered with one screen and a way back. */
export const MENU_FLOW = {
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu Duka. Chagua:',
      buttons: [
        { id: 'airtime', title: 'Buy airtime' },
        { id: 'balance', title: 'My balance' },
        { id: 'help', title: 'Help' },
      ],
      transitions: { airtime: 'airtime', balance: 'balance', help: 'help' },
    },
    airtime: {
      message: 'Airtime for {{user_id}}: send 1 to go back.',
      buttons: [{ id: 'back', title: 'Back' }],
      transitions: { back: 'menu' },
    },
    balance: {
      message: 'Your balance is 5,000 TZS.',
      buttons: [{ id: 'back', title: 'Back' }],
      transitions: { back: 'menu' },
    },
    help: {
      message: 'Call 100 for help, any time.',
      buttons: [{ id: 'back', title: 'Back' }],
      transitions: { back: 'menu' },
    },
  },
};

/** One session: the start, then options in turn and back to the menu each time. */
export const PICKS: Array<{ id: string; number: string }> = [
  { id: 'airtime', number: '1' },
  { id: 'back', number: '1' },
  { id: 'balance', number: '2' },
  { id: 'back', number: '1' },
  { id: 'help', number: '3' },
  { id: 'back', number: '1' },
];
export const SESSION_TURNS = PICKS.length + 1;

/** One user of a channel: sends turn `step` of its current session, checking the answer. */
export type Turn = (user: number, session: number, step: number) => Promise<boolean>;

export interface Run {
  name: string;
  turnsPerSecond: number;
  latenciesMs: number[];
  errors: number;
  cpuMsPerTurn: number;
}

export async function closedLoop(
  name: string,
  turn: Turn,
  users: number,
  warmupMs: number,
  measureMs: number,
  pid: number | undefined,
): Promise<Run> {
  const start = performance.now();
  const from = start + warmupMs;
  const until = from + measureMs;
  const latencies: number[] = [];
  let errors = 0;
  let measured = 0;
  let cpuBefore = 0;
  const cpuTimer = setTimeout(() => (cpuBefore = processCpuMs(pid)), warmupMs);
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      for (let session = 0; ; session++)
        for (let step = 0; step < SESSION_TURNS; step++) {
          const t0 = performance.now();
          if (t0 >= until) return;
          const ok = await turn(user, session, step).catch(() => false);
          const t1 = performance.now();
          if (t1 < from || t1 >= until) continue;
          measured++;
          if (ok) latencies.push(t1 - t0);
          else errors++;
        }
    }),
  );
  clearTimeout(cpuTimer);
  const cpu = processCpuMs(pid) - cpuBefore;
  return {
    name,
    turnsPerSecond: latencies.length / (measureMs / 1000),
    latenciesMs: latencies,
    errors,
    cpuMsPerTurn: cpu / Math.max(1, measured),
  };
}

/** The Chat API: a new session per `session`, then options by id. */
export function chatTurn(client: LoopbackClient, chatbotId: string): Turn {
  const ids = new Map<string, string>();
  const base = `/api/dev/v1/chatbots/${chatbotId}/chat/sessions`;
  return async (user, session, step) => {
    const key = `${user}`;
    if (step === 0) {
      const r = await client.request('POST', base, {});
      const body = r.body as { session_id?: string; current_state?: string };
      if (r.status !== 201 || body.current_state !== 'menu') return false;
      ids.set(key, body.session_id!);
      return true;
    }
    const pick = PICKS[step - 1];
    const r = await client.request('POST', `${base}/${ids.get(key)}/messages`, {
      message: pick.id,
    });
    const want = step % 2 === 0 ? 'menu' : pick.id;
    return r.status === 200 && (r.body as { current_state?: string }).current_state === want;
  };
}

export function row(r: Run): string[] {
  const s = stats(r.latenciesMs);
  return [
    r.name,
    Math.round(r.turnsPerSecond).toLocaleString('en'),
    ms(s.p50),
    ms(s.p99),
    ms(s.p999),
    ms(s.max),
    String(r.errors),
    ms(r.cpuMsPerTurn, 3),
  ];
}

/** Creates a chatbot with the menu flow published; returns its id. */
export function publishMenuBot(client: LoopbackClient, name: string): Promise<string> {
  return publishChatbot(client, name, MENU_FLOW);
}

/**
 * The baseline and another channel, each run twice, alternating (baseline, other, baseline,
 * other) so that drift on a noisy machine hits both. `ratio`: the baseline's turns/s over the
 * other's, summed over the rounds (the other's time per turn, relative).
 */
export async function alternateRuns(
  baseline: [string, (round: number) => Turn],
  other: [string, (round: number) => Turn],
  o: { users: number; warmupMs: number; measureMs: number; pid: number | undefined },
): Promise<{ runs: Run[]; ratio: number }> {
  const runs: Run[] = [];
  const sums = [0, 0];
  for (const round of [1, 2])
    for (const [i, [name, make]] of [baseline, other].entries()) {
      const r = await closedLoop(
        `${name} (round ${round})`,
        make(round),
        o.users,
        o.warmupMs,
        o.measureMs,
        o.pid,
      );
      console.log(`  ${r.name}: ${Math.round(r.turnsPerSecond)} turns/s`);
      runs.push(r);
      sums[i] += r.turnsPerSecond;
    }
  return { runs, ratio: sums[0] / sums[1] };
}

/**
 * SQL transactions per turn of `turn` (every statement of the server runs in autocommit, so
 * this is statements per turn, give or take a background query): `count` turns by one user.
 */
export async function sqlPerTurn(
  db: { url: string; name: string },
  turn: Turn,
  count: number,
): Promise<number> {
  const before = await transactions(db.url, db.name, 10_500);
  for (let i = 0; i < count; i++) await turn(0, Math.floor(i / SESSION_TURNS), i % SESSION_TURNS);
  // Pooled connections go idle after the loop: their last statistics arrive within 10 s.
  return ((await transactions(db.url, db.name, 10_500)) - before - 1) / count;
}

/** The menu bot on the built server, on a fresh PostgreSQL database of its own. */
export interface MenuServer {
  db: ScratchDatabase;
  child: ChildServer;
  client: LoopbackClient;
  chatbotId: string;
  stop(): Promise<void>;
}

export async function startMenuServer(
  label: string,
  env: Record<string, string>,
  users: number,
): Promise<MenuServer | null> {
  const baseUrl = await findDatabaseUrl();
  if (!baseUrl || !(await pgAnswers(baseUrl))) {
    console.error(
      `npm run bench:${label} needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).`,
    );
    return null;
  }
  const db = await createScratchDatabase(baseUrl, `bench_${label}`);
  console.log(`database: ${db.name} (fresh, dropped at the end)`);
  let child: ChildServer | undefined;
  try {
    child = await startChild(
      'gateway',
      MAIN_JS,
      {
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: String(envInt('DATABASE_POOL_SIZE', 10)),
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        BOOTSTRAP_API_KEY: BENCH_API_KEY,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        ...env,
      },
      '/health/live',
      SERVER_NODE_FLAGS,
    );
    const client = new LoopbackClient(
      child.baseUrl,
      { authorization: `Bearer ${BENCH_API_KEY}` },
      users + 8,
    );
    const chatbotId = await publishMenuBot(client, `bench-${label}`);
    const started = child;
    return {
      db,
      child: started,
      client,
      chatbotId,
      async stop() {
        client.close();
        await started.stop().catch(() => undefined);
        await db
          .drop()
          .catch((err: unknown) => console.error(`could not drop ${db.name}: ${String(err)}`));
      },
    };
  } catch (err) {
    await child?.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

/**
 * Runs a channel against the Chat API on one server and prints the comparison: SQL per turn,
 * then many users and one user, alternating, with the ratio of time per turn and the verdict.
 */
export async function compareWithChat(
  server: MenuServer,
  channel: { name: string; label: string; make: (tag: string) => Turn; target: number },
  users: number,
): Promise<void> {
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2, 0) * 1000;
  const measureMs = envInt('BENCH_SECONDS', 10) * 1000;
  const serialMs = envInt('BENCH_SERIAL_SECONDS', 5) * 1000;
  const { client, chatbotId, db } = server;
  const pid = server.child.child.pid;
  const sql = [
    await sqlPerTurn(db, chatTurn(client, chatbotId), 100),
    await sqlPerTurn(db, channel.make('q'), 100),
  ];
  console.log(
    `SQL statements per turn, one user: Chat API ${sql[0].toFixed(1)}, ${channel.name} ${sql[1].toFixed(1)}`,
  );
  console.log(
    `${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured (${serialMs / 1000} s for one user), each run twice, alternating`,
  );
  const alternate = (n: number, seconds: number, tag: string) =>
    alternateRuns(
      ['Chat API', () => chatTurn(client, chatbotId)],
      [channel.label, (round) => channel.make(`${tag}${round}`)],
      { users: n, warmupMs, measureMs: seconds, pid },
    );
  console.log(`closed loop, ${users} users:`);
  const loaded = await alternate(users, measureMs, 'l');
  console.log('one user at a time (latency without queueing):');
  const single = await alternate(1, serialMs, 's');
  const header = ['', 'turns/s', 'p50', 'p99', 'p99.9', 'max', 'errors', 'server CPU/turn'];
  console.log('');
  console.log(`Closed loop, ${users} concurrent users (Chat API = the baseline)`);
  console.log(table([header, ...loaded.runs.map(row)]));
  console.log('');
  console.log('One user at a time');
  console.log(table([header, ...single.runs.map(row)]));
  console.log('');
  console.log(
    `${channel.name} time per turn / Chat API's (from turns/s): ${loaded.ratio.toFixed(2)}× under load, ${single.ratio.toFixed(2)}× one at a time`,
  );
  // Open loop at half the Chat API's closed-loop capacity, the same rate for both.
  const chatRuns = loaded.runs.filter((r) => r.name.startsWith('Chat API'));
  const rate = Math.max(5, Math.round(chatRuns.reduce((t, r) => t + r.turnsPerSecond, 0) / 4));
  const open = [
    await openLoopTurns('Chat API', chatTurn(client, chatbotId), {
      users,
      rate,
      warmupMs,
      measureMs,
    }),
    await openLoopTurns(channel.label, channel.make('o'), { users, rate, warmupMs, measureMs }),
  ];
  const [chatP99, channelP99] = open.map((r) => stats(r.latenciesMs).p99);
  console.log('');
  console.log(
    `Open loop at ${rate} turns/s (half the Chat API's closed-loop turns/s), latency from the due time`,
  );
  console.log(table([header.slice(0, 7), ...open.map((r) => row(r).slice(0, 7))]));
  console.log(
    `${channel.name} p99 / Chat API's at the same rate: ${(channelP99 / chatP99).toFixed(2)}× (${ms(channelP99)} vs ${ms(chatP99)})`,
  );
  const worst = Math.max(loaded.ratio, single.ratio);
  console.log(
    `target ${channel.name} per-turn cost ≤ ${channel.target}× the Chat API's: ${verdict(worst <= channel.target)}`,
  );
  for (const line of machineLines()) console.log(line);
}

/** The open loop (chat-load.ts) with the menu's users, each through its sessions in order. */
export async function openLoopTurns(
  name: string,
  turn: Turn,
  o: { users: number; rate: number; warmupMs: number; measureMs: number },
): Promise<Run> {
  const cursors = Array.from({ length: o.users }, () => ({ session: 0, step: 0 }));
  const r = await openLoopUsers(
    name,
    o.users,
    (user) => {
      const c = cursors[user];
      const { session, step } = c;
      c.step = (step + 1) % SESSION_TURNS;
      if (c.step === 0) c.session++;
      return turn(user, session, step);
    },
    o,
  );
  return { ...r, cpuMsPerTurn: NaN };
}
