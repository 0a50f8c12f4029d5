/**
 * Shared pieces of the HTTP benchmarks: a keep-alive loopback HTTP client, latency
 * statistics, child-process servers, throw-away PostgreSQL databases and report printing.
 * Everything talks to 127.0.0.1 only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const ROOT = join(__dirname, '..', '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');

/**
 * Node flags for every server the benchmarks start (ours and the baseline alike), the same
 * as `npm start` uses; override with BENCH_NODE_FLAGS (space-separated, "" for none).
 */
export const SERVER_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=32')
  .split(' ')
  .filter(Boolean);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// Latency statistics

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** 99.9th percentile: one turn in a thousand is slower (a stall shows here before p99). */
  p999: number;
  max: number;
  mean: number;
}

/** The median of the finite values (NaN when there is none). */
export function median(values: readonly number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function stats(latenciesMs: ArrayLike<number>): LatencyStats {
  const sorted = Float64Array.from(latenciesMs).sort();
  const n = sorted.length;
  const at = (p: number): number =>
    n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: n ? sorted[n - 1] : NaN,
    mean: n ? sum / n : NaN,
  };
}

export const ms = (v: number, digits = 2): string =>
  Number.isFinite(v) ? `${v.toFixed(digits)} ms` : 'n/a';

// ---------------------------------------------------------------------------------------
// HTTP client (node:http, keep-alive, loopback only)

export interface HttpReply {
  status: number;
  body: unknown;
}

export class LoopbackClient {
  readonly agent: http.Agent;
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string> = {},
    maxSockets = 256,
  ) {
    this.url = new URL(baseUrl);
    if (this.url.hostname !== '127.0.0.1')
      throw new Error(`refusing to talk to ${this.url.hostname}: loopback only`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends `body` as JSON, or with `form` as an HTML form (USSD and SMS gateways). */
  request(method: string, path: string, body?: unknown, form = false): Promise<HttpReply> {
    const payload =
      body === undefined
        ? undefined
        : Buffer.from(
            form
              ? new URLSearchParams(body as Record<string, string>).toString()
              : JSON.stringify(body),
          );
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...this.headers,
            ...(payload
              ? {
                  'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
                  'content-length': String(payload.length),
                }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text && (res.headers['content-type'] ?? '').includes('json')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () =>
        req.destroy(new Error(`${method} ${path}: no answer within 30 s`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request(), but throws unless the status is the expected one. */
  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.request(method, path, body);
    if (reply.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`,
      );
    }
    return reply.body as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Creates a chatbot named `name` through the HTTP API, with `flow` published (and its
 * trace_level set, when given); returns its id.
 */
export async function publishChatbot(
  client: LoopbackClient,
  name: string,
  flow: unknown,
  traceLevel?: string,
): Promise<string> {
  const bot = await client.expect<{ id: string }>(201, 'POST', '/api/dev/v1/chatbots', { name });
  if (traceLevel)
    await client.expect(200, 'PATCH', `/api/dev/v1/chatbots/${bot.id}`, {
      trace_level: traceLevel,
    });
  const created = await client.expect<{ id: string }>(
    201,
    'POST',
    `/api/dev/v1/chatbots/${bot.id}/flows`,
    { name: 'main', type: 'conversation', flow },
  );
  await client.expect(200, 'POST', `/api/dev/v1/chatbots/${bot.id}/flows/${created.id}/publish`);
  return bot.id;
}

// ---------------------------------------------------------------------------------------
// Child-process servers

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  name: string;
  child: ChildProcess;
  baseUrl: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node script` with `env` (PORT and HOST are set here: a free loopback port) and
 * waits until GET `readyPath` answers 200. The child's own environment starts from ours,
 * minus DATABASE_URL, so only what `env` says reaches it.
 */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  nodeArgs: string[] = [],
  timeoutMs = 60_000,
): Promise<ChildServer> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...base, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const probe = new LoopbackClient(baseUrl, {}, 1);
  const until = Date.now() + timeoutMs;
  try {
    for (let i = 0; ; i++) {
      if (exitCode !== undefined)
        throw new Error(`${name} exited with ${exitCode} during start-up:\n${out}`);
      if (Date.now() > until)
        throw new Error(`${name} did not start within ${timeoutMs} ms:\n${out}`);
      try {
        const r = await probe.request('GET', readyPath);
        if (r.status === 200) break;
      } catch {
        // not listening yet
      }
      await sleep(Math.min(200, 20 + i * 10));
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    probe.close();
  }
  return {
    name,
    child,
    baseUrl,
    port,
    output: () => out,
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks (100/s).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when a server answers at `url` within a couple of seconds. */
export async function pgAnswers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** DATABASE_URL, else the local default when it answers, else null. */
export async function findDatabaseUrl(): Promise<string | null> {
  const given = process.env.DATABASE_URL?.trim();
  if (given) return given;
  return (await pgAnswers(DEFAULT_DATABASE_URL)) ? DEFAULT_DATABASE_URL : null;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates database `<prefix>_<timestamp>` next to `baseUrl`'s; drop() removes it. */
export async function createScratchDatabase(
  baseUrl: string,
  prefix: string,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  const admin = new Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Reporting

export function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `node ${process.version}, ${new Date().toISOString()}`,
  ];
}

/** A plain text table: first row is the header; columns after the first are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

/** A fake but well-formed 32-byte key for the server under test. */
export const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');
export const BENCH_API_KEY = 'sk_bench_0123456789abcdefghijklmnop';

/** A whole-number setting from the environment (its default when unset). */
export function envInt(name: string, def: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`${name} must be a number ≥ ${min} (got "${v}")`);
  return Math.floor(n);
}

/** Runs a benchmark's main and exits with its code (1 and the stack on a throw). */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}

/** Transactions committed or rolled back in this database so far (PostgreSQL's own statistics). */
export async function transactions(url: string, name: string, settleMs = 1100): Promise<number> {
  // A busy backend flushes its statistics at most once a second, an idle one within 10 s.
  await sleep(settleMs);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [name],
    );
    return Number(r.rows[0]?.n ?? NaN);
  } finally {
    await c.end();
  }
}
