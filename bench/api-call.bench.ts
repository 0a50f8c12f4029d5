/**
 * API_CALL overhead benchmark: `npm run bench:api-call` (issue 5).
 *
 * A loopback backend (node:http, answers {"ok":true} at once) is called three ways, side by
 * side in one run, one request at a time:
 *   (a) direct `axios.get(url)` — the floor (Node's global agent keeps connections alive);
 *   (b) the same GET through our HttpCaller (SSRF check, request building, X-Sarufi-*
 *       headers, timeouts, breaker, a fresh connection per call) — its own overhead;
 *   (c) whole Chat API turns on the built server (child process) whose flow runs that
 *       API_CALL, against the same flow without it — what a user waits for in addition.
 * Blocks of (a)/(b), and of (c)-with/(c)-without, alternate so drift hits both sides.
 *
 * Environment: DATABASE_URL (optional: a fresh database is made next to it; without it the
 * server runs on its embedded PGlite in a temporary DATA_DIR), BENCH_CALLS (2000),
 * BENCH_TURNS (1000), BENCH_CPU_PROF=<dir> (profile the server with --cpu-prof).
 */
import axios from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ApiCallRequest } from '../src/engine/ports';
import { HttpCaller } from '../src/integrations/http/http-caller';
import {
  BENCH_API_KEY,
  BENCH_ENCRYPTION_KEY,
  ChildServer,
  LatencyStats,
  LoopbackClient,
  MAIN_JS,
  publishChatbot,
  ScratchDatabase,
  createScratchDatabase,
  machineLines,
  ms,
  startChild,
  stats,
  table,
  verdict,
  envInt,
  runBench,
} from './support/bench-kit';

function startBackend(): Promise<{ server: http.Server; port: number; hits: () => number }> {
  let hits = 0;
  const body = JSON.stringify({ ok: true, balance: 1200 });
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : 0, hits: () => hits });
    });
  });
}

/** Alternates blocks of `a` and `b` until each has run `n` times; returns their latencies (ms). */
async function alternate(
  n: number,
  block: number,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<[number[], number[]]> {
  const la: number[] = [];
  const lb: number[] = [];
  for (let done = 0; done < n; done += block) {
    const size = Math.min(block, n - done);
    for (const [fn, into] of [
      [a, la],
      [b, lb],
    ] as const) {
      for (let i = 0; i < size; i++) {
        const t0 = performance.now();
        await fn();
        into.push(performance.now() - t0);
      }
    }
  }
  return [la, lb];
}

function flow(backendUrl: string | null): object {
  return {
    start: 'ask',
    states: {
      ask: { message: 'Say anything.', transitions: { default: 'call' } },
      call: backendUrl
        ? {
            actions: [
              {
                type: 'API_CALL',
                url: backendUrl,
                method: 'GET',
                save_to: 'r',
                success_transition: 's',
                failure_transition: 'failed',
              },
            ],
          }
        : { transitions: { always: 's' } },
      s: { message: 'Got {{r.ok}}.', transitions: { default: 'call' } },
      failed: { message: 'The call failed.', transitions: { default: 'call' } },
    },
  };
}

async function publishedSession(
  client: LoopbackClient,
  name: string,
  definition: object,
): Promise<string> {
  const chatbotId = await publishChatbot(client, name, definition);
  const s = await client.expect<{ session_id: string }>(
    201,
    'POST',
    `/api/dev/v1/chatbots/${chatbotId}/chat/sessions`,
    {},
  );
  return `/api/dev/v1/chatbots/${chatbotId}/chat/sessions/${s.session_id}/messages`;
}

async function turn(client: LoopbackClient, path: string, expectText: string): Promise<void> {
  const r = await client.request('POST', path, { message: 'hello' });
  const messages = (r.body as { messages?: { text?: string }[] } | null)?.messages;
  if (r.status !== 200 || messages?.[0]?.text !== expectText) {
    throw new Error(`unexpected turn reply ${r.status}: ${JSON.stringify(r.body)}`);
  }
}

function statRow(name: string, s: LatencyStats): string[] {
  return [
    name,
    String(s.count),
    ms(s.p50, 3),
    ms(s.p95, 3),
    ms(s.p99, 3),
    ms(s.p999, 3),
    ms(s.max, 3),
    ms(s.mean, 3),
  ];
}

async function main(): Promise<number> {
  const calls = envInt('BENCH_CALLS', 2000, 10);
  const turns = envInt('BENCH_TURNS', 1000, 10);
  const backend = await startBackend();
  const backendUrl = `http://127.0.0.1:${backend.port}/x`;
  const profileDir = process.env.BENCH_CPU_PROF;

  // (a) and (b): same process, same backend, one call at a time.
  const caller = new HttpCaller({
    resolveIntegration: async () => null,
    allowHosts: ['127.0.0.1'],
    userAgent: 'sarufi-gateway/bench',
  });
  const request: ApiCallRequest = {
    url: backendUrl,
    method: 'GET',
    query: {},
    headers: {},
    body_type: 'json',
    auto_body: true,
    include_raw: false,
    context: {
      user_id: '255700000000',
      chatbot_id: '01JBENCHBENCHBENCHBENCHBEN',
      session_id: '01JBENCHSESSIONSESSIONSESS',
      channel: 'api',
      state: 'call',
      flow_name: 'main',
    },
    message: { type: 'text', text: 'hello' },
    variables: { n: 1 },
  };
  const direct = async (): Promise<void> => {
    const r = await axios.get<{ ok: boolean }>(backendUrl);
    if (r.data.ok !== true) throw new Error('backend answered oddly');
  };
  const viaCaller = async (): Promise<void> => {
    const r = await caller.call(request, {});
    if (r.status_code !== 200 || (r.body as { ok?: boolean } | undefined)?.ok !== true) {
      throw new Error(`HttpCaller failed: ${JSON.stringify(r)}`);
    }
  };
  await alternate(Math.max(200, calls / 10), 50, direct, viaCaller);
  const [axiosMs, callerMs] = await alternate(calls, 100, direct, viaCaller);
  const axiosStats = stats(axiosMs);
  const callerStats = stats(callerMs);

  // (c): whole turns on the server.
  let db: ScratchDatabase | undefined;
  let dataDir: string | undefined;
  let server: ChildServer | undefined;
  let client: LoopbackClient | undefined;
  let withStats: LatencyStats;
  let withoutStats: LatencyStats;
  let database: string;
  try {
    const base = process.env.DATABASE_URL?.trim();
    if (base) {
      db = await createScratchDatabase(base, 'bench_api');
      database = `PostgreSQL (${db.name}, dropped at the end)`;
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
      database = 'embedded PGlite (temporary DATA_DIR)';
    }
    server = await startChild(
      'gateway',
      MAIN_JS,
      {
        ...(db ? { DATABASE_URL: db.url } : { DATA_DIR: dataDir ?? '' }),
        ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        BOOTSTRAP_API_KEY: BENCH_API_KEY,
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      },
      '/health/live',
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    client = new LoopbackClient(server.baseUrl, { authorization: `Bearer ${BENCH_API_KEY}` }, 4);
    const withPath = await publishedSession(client, 'with-api-call', flow(backendUrl));
    const withoutPath = await publishedSession(client, 'without-api-call', flow(null));
    const c = client;
    const hitsBefore = backend.hits();
    const withCall = (): Promise<void> => turn(c, withPath, 'Got true.');
    const withoutCall = (): Promise<void> => turn(c, withoutPath, 'Got .');
    await alternate(Math.max(100, turns / 10), 25, withCall, withoutCall);
    const [withMs, withoutMs] = await alternate(turns, 50, withCall, withoutCall);
    const expectedHits = Math.max(100, turns / 10) + turns;
    if (backend.hits() - hitsBefore !== expectedHits) {
      throw new Error(`backend saw ${backend.hits() - hitsBefore} calls, expected ${expectedHits}`);
    }
    withStats = stats(withMs);
    withoutStats = stats(withoutMs);
  } finally {
    client?.close();
    await server?.stop();
    await db
      ?.drop()
      .catch((err: unknown) => console.error(`could not drop ${db?.name}: ${String(err)}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    backend.server.close();
    backend.server.closeAllConnections();
  }

  const addedP50 = callerStats.p50 - axiosStats.p50;
  const addedP99 = callerStats.p99 - axiosStats.p99;
  const turnP50 = withStats.p50 - withoutStats.p50;
  const turnP99 = withStats.p99 - withoutStats.p99;
  const header = ['', 'n', 'p50', 'p95', 'p99', 'p99.9', 'max', 'mean'];
  console.log(
    `API_CALL overhead — loopback backend ${backendUrl}, sequential calls; server database: ${database}`,
  );
  console.log('');
  console.log(
    table([
      header,
      statRow('(a) axios.get, direct (keep-alive)', axiosStats),
      statRow('(b) HttpCaller.call', callerStats),
      statRow('(c) Chat API turn with API_CALL', withStats),
      statRow('(c) Chat API turn without API_CALL', withoutStats),
    ]),
  );
  console.log('');
  console.log(
    table([
      ['added latency', 'p50', 'p99'],
      ['HttpCaller − direct axios', ms(addedP50, 3), ms(addedP99, 3)],
      ['turn with − turn without', ms(turnP50, 3), ms(turnP99, 3)],
      [
        'turn with − without − direct axios',
        ms(turnP50 - axiosStats.p50, 3),
        // Differences of tail percentiles do not chain: p50 only.
        '—',
      ],
    ]),
  );
  console.log('');
  console.log(
    `target added p50 < 2 ms (HttpCaller − axios): ${verdict(addedP50 < 2)} (${ms(addedP50, 3)})`,
  );
  console.log(
    `turn level (for reference): the API_CALL adds ${ms(turnP50, 3)} at p50 and ${ms(turnP99, 3)} at p99 to a turn; ` +
      `over a direct axios call that is ${ms(turnP50 - axiosStats.p50, 3)} at p50 (${verdict(turnP50 - axiosStats.p50 < 2)} against 2 ms)`,
  );
  for (const line of machineLines()) console.log(line);
  if (profileDir) console.log(`CPU profile of the server: ${profileDir}`);
  return 0;
}

runBench(main);
