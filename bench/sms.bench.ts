/**
 * SMS end to end against the Chat API's turn: `npm run bench:sms`.
 *
 * Runs the built server as a child process on a fresh PostgreSQL database with one published
 * menu flow and an Africa's Talking SMS integration whose `api_base` is a stub of the AT SMS
 * API in this process (127.0.0.1). Each user sends an inbound SMS (AT's webhook form) and
 * waits until the reply reaches the stub: webhook → inbox → turn → outbox → provider API.
 * The same conversations run through the Chat API in the same run, alternating twice, with
 * many users and with one. Target: an SMS costs at most 1.5× a Chat API turn.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_USERS (50), BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10), BENCH_SERIAL_SECONDS (5),
 * DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BENCH_API_KEY,
  BENCH_ENCRYPTION_KEY,
  ChildServer,
  LoopbackClient,
  MAIN_JS,
  ScratchDatabase,
  SERVER_NODE_FLAGS,
  createScratchDatabase,
  envInt,
  findDatabaseUrl,
  machineLines,
  pgAnswers,
  runBench,
  startChild,
  table,
  verdict,
} from './support/bench-kit';
import {
  alternateRuns,
  chatTurn,
  PICKS,
  publishMenuBot,
  row,
  sqlPerTurn,
  type Turn,
} from './support/menu-load';

/** Africa's Talking's SMS API, as far as sending goes: 201 and a message id per send. */
class StubSmsApi {
  private server!: Server;
  private readonly waiting = new Map<string, (text: string) => void>();
  private sent = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const to = form.get('to') ?? '';
        this.sent++;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            SMSMessageData: {
              Message: 'Sent to 1/1 Total Cost: TZS 20.0000',
              Recipients: [
                { statusCode: 101, number: to, status: 'Success', messageId: `ATXid_${this.sent}` },
              ],
            },
          }),
        );
        this.waiting.get(to)?.(form.get('message') ?? '');
        this.waiting.delete(to);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next SMS sent to `to` (rejects after 30 s). */
  next(to: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMS to ${to} within 30 s`)), 30_000);
      this.waiting.set(to, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A user's messages: "Hi" once, then the menu numbers round and round. */
function smsTurn(client: LoopbackClient, api: StubSmsApi, webhookPath: string, run: string): Turn {
  const counts = new Map<number, number>();
  let ids = 0;
  return async (user) => {
    const n = counts.get(user) ?? 0;
    counts.set(user, n + 1);
    const to = `+2557${run}${String(user).padStart(6, '0')}`;
    const reply = api.next(to);
    const r = await client.request(
      'POST',
      webhookPath,
      {
        from: to,
        to: '15055',
        text: n === 0 ? 'Hi' : PICKS[(n - 1) % PICKS.length].number,
        date: '2026-12-05 10:00:00',
        id: `bench-${run}-${++ids}`,
      },
      true,
    );
    if (r.status !== 200) return false;
    return (await reply).includes('1. ');
  };
}

async function main(): Promise<number> {
  const baseUrl = await findDatabaseUrl();
  if (!baseUrl || !(await pgAnswers(baseUrl))) {
    console.error(
      'npm run bench:sms needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).',
    );
    return 1;
  }
  const users = envInt('BENCH_USERS', 50);
  const warmupMs = envInt('BENCH_WARMUP_SECONDS', 2, 0) * 1000;
  const measureMs = envInt('BENCH_SECONDS', 10) * 1000;
  const serialMs = envInt('BENCH_SERIAL_SECONDS', 5) * 1000;
  const poolSize = String(envInt('DATABASE_POOL_SIZE', 10));

  const api = new StubSmsApi();
  await api.start();
  let db: ScratchDatabase | undefined;
  let child: ChildServer | undefined;
  let client: LoopbackClient | undefined;
  try {
    db = await createScratchDatabase(baseUrl, 'bench_sms');
    console.log(`database: ${db.name} (fresh, dropped at the end)`);
    child = await startChild(
      'gateway',
      MAIN_JS,
      {
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: poolSize,
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        BOOTSTRAP_API_KEY: BENCH_API_KEY,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
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
    const chatbotId = await publishMenuBot(client, 'bench-sms');
    const sms = await client.expect<{ webhook_url: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      { type: 'sms', name: 'duka', username: 'duka', api_key: 'atsk_bench', api_base: api.url },
    );
    const webhookPath = new URL(sms.webhook_url).pathname;

    const check = smsTurn(client, api, webhookPath, '9');
    for (let step = 0; step < 4; step++)
      if (!(await check(0, 0, step))) throw new Error(`SMS: message ${step} went wrong`);

    const pid = child.child.pid;
    const alternate = (n: number, seconds: number, label: string) =>
      alternateRuns(
        ['Chat API', () => chatTurn(client!, chatbotId)],
        [
          "SMS, Africa's Talking",
          (round) => smsTurn(client!, api, webhookPath, `${label}${round}`),
        ],
        { users: n, warmupMs, measureMs: seconds, pid },
      );
    const sql = [
      await sqlPerTurn(db, chatTurn(client, chatbotId), 100),
      await sqlPerTurn(db, smsTurn(client, api, webhookPath, '3'), 100),
    ];
    console.log(
      `SQL statements per turn, one user: Chat API ${sql[0].toFixed(1)}, SMS ${sql[1].toFixed(1)}`,
    );
    console.log(`closed loop, ${users} users:`);
    const loaded = await alternate(users, measureMs, '1');
    console.log('one user at a time:');
    const single = await alternate(1, serialMs, '2');

    const header = ['', 'msgs/s', 'p50', 'p99', 'errors', 'server CPU/msg'];
    console.log('');
    console.log(
      `Chat API turns vs SMS (inbound webhook → reply at the provider API), ${users} users`,
    );
    console.log(table([header, ...loaded.runs.map(row)]));
    console.log('');
    console.log('The same, one user at a time');
    console.log(table([header, ...single.runs.map(row)]));
    console.log('');
    console.log(
      `SMS time per message / Chat API turn's (from msgs/s): ${loaded.ratio.toFixed(2)}× under load, ${single.ratio.toFixed(2)}× one at a time`,
    );
    const worst = Math.max(loaded.ratio, single.ratio);
    console.log(`target SMS within 1.5× the Chat API's turn cost: ${verdict(worst <= 1.5)}`);
    for (const line of machineLines()) console.log(line);
    return 0;
  } finally {
    client?.close();
    await child?.stop().catch(() => undefined);
    await api.close();
    await db
      ?.drop()
      .catch((err: unknown) => console.error(`could not drop ${db?.name}: ${String(err)}`));
  }
}

runBench(main);
