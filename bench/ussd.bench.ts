/**
 * USSD per-turn cost against the Chat API's: `npm run bench:ussd`.
 *
 * Runs the built server as a child process on a fresh PostgreSQL database with one published
 * menu flow, then drives the same conversations two ways over loopback HTTP, closed loop:
 *   - Chat API: create a session, then pick options by their ids (JSON, API key);
 *   - USSD, Africa's Talking style: dial (form, `text` ""), then pick options by number,
 *     `text` carrying the whole `*`-joined path, as that gateway sends it.
 * Each user runs sessions of SESSION_TURNS turns back to back, first with many users (the
 * server saturated), then with one (a turn's own latency). Each alternates twice (Chat, USSD,
 * Chat, USSD) so that drift on a noisy machine hits both; every round is printed, and the
 * ratios compare the sums. Target: USSD's time per turn within 1.2× the Chat API's.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_USERS (100 concurrent users), BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10),
 * BENCH_SERIAL_SECONDS (5, the same with one user: a turn's latency without queueing),
 * DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn).
 */
import {
  BENCH_API_KEY,
  BENCH_ENCRYPTION_KEY,
  ChildServer,
  LoopbackClient,
  MAIN_JS,
  ScratchDatabase,
  SERVER_NODE_FLAGS,
  createScratchDatabase,
  findDatabaseUrl,
  machineLines,
  pgAnswers,
  startChild,
  table,
  verdict,
  envInt,
  runBench,
} from './support/bench-kit';
import {
  chatTurn,
  PICKS,
  alternateRuns,
  publishMenuBot,
  row,
  sqlPerTurn,
  SESSION_TURNS,
  type Turn,
} from './support/menu-load';

/** Africa's Talking: a dial per `session`, then options by number, the path joined by `*`. */
function ussdTurn(client: LoopbackClient, webhookPath: string, run: string): Turn {
  return async (user, session, step) => {
    const typed = PICKS.slice(0, step).map((p) => p.number);
    const r = await client.request(
      'POST',
      webhookPath,
      {
        sessionId: `${run}-${user}-${session}`,
        serviceCode: '*150*88#',
        phoneNumber: `+2557${String(user).padStart(8, '0')}`,
        networkCode: '63902',
        text: typed.join('*'),
      },
      true,
    );
    const screen = String(r.body);
    const want = step % 2 === 0 ? 'CON Karibu Duka' : 'CON ';
    return r.status === 200 && screen.startsWith(want) && screen.includes('1. ');
  };
}

async function main(): Promise<number> {
  const baseUrl = await findDatabaseUrl();
  if (!baseUrl || !(await pgAnswers(baseUrl))) {
    console.error(
      'npm run bench:ussd needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).',
    );
    return 1;
  }
  const users = envInt('BENCH_USERS', 100);
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2, 0) * 1000;
  const measureMs = envInt('BENCH_SECONDS', 10) * 1000;
  const serialMs = envInt('BENCH_SERIAL_SECONDS', 5) * 1000;
  const poolSize = String(envInt('DATABASE_POOL_SIZE', 10));

  let db: ScratchDatabase | undefined;
  let child: ChildServer | undefined;
  let client: LoopbackClient | undefined;
  try {
    db = await createScratchDatabase(baseUrl, 'bench_ussd');
    console.log(`database: ${db.name} (fresh, dropped at the end)`);
    child = await startChild(
      'gateway',
      MAIN_JS,
      {
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: poolSize,
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        BOOTSTRAP_API_KEY: BENCH_API_KEY,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      },
      '/health/live',
      SERVER_NODE_FLAGS,
    );
    client = new LoopbackClient(
      child.baseUrl,
      { authorization: `Bearer ${BENCH_API_KEY}` },
      users + 8,
    );
    const bot = { id: await publishMenuBot(client, 'bench-ussd') };
    const ussd = await client.expect<{ webhook_url: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${bot.id}/integrations`,
      { type: 'ussd', name: 'duka', service_code: '*150*88#' },
    );
    const webhookPath = new URL(ussd.webhook_url).pathname;

    // Sanity: one whole session each way, every answer as expected.
    const chat = chatTurn(client, bot.id);
    for (let step = 0; step < SESSION_TURNS; step++)
      if (!(await chat(0, 0, step))) throw new Error(`Chat API: turn ${step} went wrong`);
    const check = ussdTurn(client, webhookPath, 'sanity');
    for (let step = 0; step < SESSION_TURNS; step++)
      if (!(await check(0, 0, step))) throw new Error(`USSD: turn ${step} went wrong`);

    console.log(
      `sessions of ${SESSION_TURNS} turns, ${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured (${serialMs / 1000} s for one user), each run twice, alternating`,
    );
    const pid = child.child.pid;
    /** Chat API then USSD, twice, with `n` users each. */
    const alternate = (n: number, seconds: number, label: string) =>
      alternateRuns(
        ['Chat API', () => chatTurn(client!, bot.id)],
        ["USSD, Africa's Talking", (round) => ussdTurn(client!, webhookPath, `${label}${round}`)],
        { users: n, warmupMs, measureMs: seconds, pid },
      );
    const header = ['', 'turns/s', 'p50', 'p99', 'errors', 'server CPU/turn'];

    const sql = [
      await sqlPerTurn(db, chatTurn(client, bot.id), 100),
      await sqlPerTurn(db, ussdTurn(client, webhookPath, 'q'), 100),
    ];
    console.log(
      `SQL statements per turn, one user: Chat API ${sql[0].toFixed(1)}, USSD ${sql[1].toFixed(1)}`,
    );
    console.log(`closed loop, ${users} users:`);
    const loaded = await alternate(users, measureMs, 'l');
    console.log(`one user at a time (latency of a turn without queueing):`);
    const single = await alternate(1, serialMs, 's');

    console.log('');
    console.log(`Turns, closed loop, ${users} concurrent users (Chat API = the baseline)`);
    console.log(table([header, ...loaded.runs.map(row)]));
    console.log('');
    console.log('Turns, one user at a time');
    console.log(table([header, ...single.runs.map(row)]));
    console.log('');
    console.log(
      `USSD time per turn / Chat API's (from turns/s): ${loaded.ratio.toFixed(2)}× under load, ${single.ratio.toFixed(2)}× one at a time`,
    );
    const worst = Math.max(loaded.ratio, single.ratio);
    console.log(`target USSD per-turn cost ≤ 1.2× the Chat API's: ${verdict(worst <= 1.2)}`);
    for (const line of machineLines()) console.log(line);
    return 0;
  } finally {
    client?.close();
    await child?.stop().catch(() => undefined);
    await db
      ?.drop()
      .catch((err: unknown) => console.error(`could not drop ${db?.name}: ${String(err)}`));
  }
}

runBench(main);
