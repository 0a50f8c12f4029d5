/**
 * What the gateway stores and how its queues keep up, for docs/scaling.md: `npm run bench:growth`.
 *
 * Starts the built server (BENCH_INSTANCES processes, default 1) on a fresh PostgreSQL
 * database with the menu flow of bench/support/menu-load.ts published and a WhatsApp
 * integration pointed at a stub of Meta's Graph API in this process. Then:
 *   1. Chat API turns: BENCH_MESSAGES turns from BENCH_USERS users at once (each waits for its
 *      answer), in sessions of 7 turns (start, then the menu's options by id);
 *   2. WhatsApp messages: BENCH_MESSAGES signed webhooks the same way ("Hi", then the menu's
 *      buttons), each until its reply reaches the stub (webhook → inbox → turn → outbox →
 *      Graph API); users are spread over the instances;
 *   3. the queues alone: BENCH_QUEUE_ROWS outbox rows, then as many inbox events, over
 *      BENCH_QUEUE_KEYS ordering keys (users), claimed and finished by BENCH_QUEUE_WORKERS
 *      pools of their own (as many instances), 16 rows per claim, through the repositories'
 *      own statements (no turn, HTTP or Graph API), against a baseline in the same run: one
 *      UPDATE by primary key per row, by the same workers. The planner's statistics are as
 *      autovacuum left them (as after a burst), or fresh with BENCH_QUEUE_ANALYZE=1.
 * After phases 1 and 2, once every event and send is finished, per table: rows, bytes of the
 * table (heap and TOAST) and of its indexes, grown per 1,000 messages. Sizes are what
 * PostgreSQL allocated, dead row versions included (autovacuum runs as the server is set);
 * with the pgstattuple extension (created in the scratch database when allowed) the heap's
 * live and dead bytes are shown apart. Also per phase: messages/s, and the most connections
 * the instances had open and running a statement at once (pg_stat_activity every 100 ms); and
 * after phase 2 the row updates per table, with the share that were HOT (no new index entry).
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_MESSAGES (1000), BENCH_USERS (20), BENCH_INSTANCES (1), DATABASE_POOL_SIZE (10),
 * BENCH_LOG_LEVEL (warn), BENCH_QUEUE_ROWS (10000; 0 skips phase 3), BENCH_QUEUE_KEYS (1000),
 * BENCH_QUEUE_WORKERS (3), BENCH_QUEUE_ANALYZE (0).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { newId } from '../src/common/new-id';
import { dataSourceOptions } from '../src/database/data-source-options';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { OutboxRepository } from '../src/outbox/outbox.repository';
import { startGraphApiStub, type StubRequest } from '../test/support/graph-api-stub';
import { signedPost, waButtonReply, waEnvelope, waText } from '../test/support/whatsapp-webhooks';
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
  runBench,
  SERVER_NODE_FLAGS,
  startChild,
  table,
} from './support/bench-kit';
import { chatTurn, MENU_FLOW, PICKS, publishMenuBot, SESSION_TURNS } from './support/menu-load';

const APP_SECRET = 'growth-app-secret-5d2e8b11';
const ACCESS_TOKEN = 'EAAgrowth-bench-token-0123456789';
const PHONE_NUMBER_ID = '106540352242944';

interface TableSize {
  rows: number;
  tableBytes: number;
  indexBytes: number;
  /** Heap bytes of live and of dead row versions (pgstattuple; NaN without it). */
  liveBytes: number;
  deadBytes: number;
}

/** Whether the pgstattuple extension could be created (it needs the right to). */
async function withPgstattuple(db: Client): Promise<boolean> {
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
    return true;
  } catch {
    return false;
  }
}

/** Rows and allocated bytes of every table of the schema, by name. */
async function sizes(db: Client, tuples: boolean): Promise<Map<string, TableSize>> {
  const tables = await db.query<{ name: string; table_bytes: string; index_bytes: string }>(
    `SELECT c.relname AS name, pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'`,
  );
  const out = new Map<string, TableSize>();
  for (const t of tables.rows) {
    const count = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${t.name}"`);
    const stat = tuples
      ? (
          await db.query<{ live: string; dead: string }>(
            `SELECT tuple_len AS live, dead_tuple_len AS dead FROM pgstattuple($1::regclass)`,
            [`"${t.name}"`],
          )
        ).rows[0]
      : { live: NaN, dead: NaN };
    out.set(t.name, {
      rows: Number(count.rows[0].n),
      tableBytes: Number(t.table_bytes),
      indexBytes: Number(t.index_bytes),
      liveBytes: Number(stat.live),
      deadBytes: Number(stat.dead),
    });
  }
  return out;
}

/**
 * Samples the server's connections to the database every 100 ms while `run` runs: the most
 * open at once (all instances together) and the most running a statement at once.
 */
async function connectionsDuring<T>(
  db: Client,
  run: () => Promise<T>,
): Promise<{ result: T; open: number; active: number }> {
  let open = 0;
  let active = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const r = await db.query<{ open: number; active: number }>(
        `SELECT count(*)::int AS open, count(*) FILTER (WHERE state = 'active')::int AS active
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      open = Math.max(open, r.rows[0].open);
      active = Math.max(active, r.rows[0].active);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await run(), open, active };
  } finally {
    done = true;
    await sampler;
  }
}

/** Waits until no inbox event or outbox row is left to process. */
async function settled(db: Client): Promise<void> {
  for (;;) {
    const r = await db.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM inbox_events WHERE status = 'pending')
             + (SELECT count(*) FROM outbox WHERE status = 'pending'))::int AS n`,
    );
    if (r.rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const kb = (bytes: number) => (Number.isNaN(bytes) ? 'n/a' : (bytes / 1024).toFixed(1));

function growthTable(
  before: Map<string, TableSize>,
  after: Map<string, TableSize>,
  messages: number,
): string {
  const per = 1000 / messages;
  const grown = (a: TableSize, b: TableSize | undefined) => ({
    rows: (a.rows - (b?.rows ?? 0)) * per,
    table: (a.tableBytes - (b?.tableBytes ?? 0)) * per,
    index: (a.indexBytes - (b?.indexBytes ?? 0)) * per,
    live: (a.liveBytes - (b?.liveBytes ?? 0)) * per,
    dead: (a.deadBytes - (b?.deadBytes ?? 0)) * per,
  });
  const rows = [...after.entries()]
    .map(([name, a]) => ({ name, ...grown(a, before.get(name)) }))
    .filter((r) => r.rows !== 0 || r.table !== 0 || r.index !== 0)
    .sort((x, y) => y.table + y.index - (x.table + x.index));
  const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((t, r) => t + pick(r), 0);
  return table([
    ['table', 'rows', 'table KB', 'index KB', 'total KB', 'bytes/row', 'live KB', 'dead KB'],
    ...rows.map((r) => [
      r.name,
      r.rows.toFixed(0),
      kb(r.table),
      kb(r.index),
      kb(r.table + r.index),
      r.rows > 0 ? ((r.table + r.index) / r.rows).toFixed(0) : '',
      kb(r.live),
      kb(r.dead),
    ]),
    [
      'all',
      '',
      kb(sum((r) => r.table)),
      kb(sum((r) => r.index)),
      kb(sum((r) => r.table + r.index)),
      '',
      kb(sum((r) => r.live)),
      kb(sum((r) => r.dead)),
    ],
  ]);
}

/** POSTs signed webhook bytes as they are (as Meta does); resolves with the status. */
function postRaw(
  client: LoopbackClient,
  baseUrl: string,
  path: string,
  signed: { raw: Buffer; headers: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: new URL(baseUrl).port,
        method: 'POST',
        path,
        agent: client.agent,
        headers: { ...signed.headers, 'content-length': String(signed.raw.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(signed.raw);
  });
}

/**
 * The queues alone, through their repositories (the instances' own statements): `rows` rows
 * of `keys` ordering keys are stored, then `workers` pools of their own (as many instances)
 * each claim up to 16 rows at a time and finish each, until none is left. Returns rows/s.
 */
async function queueRun(
  url: string,
  workers: number,
  rows: number,
  keys: number,
  ids: { chatbotId: string; integrationId: string },
  analyze: boolean,
): Promise<{ outbox: number; inbox: number; baseline: number }> {
  const sources = await Promise.all(
    Array.from({ length: workers }, () => new DataSource(dataSourceOptions(url, 10)).initialize()),
  );
  try {
    const payload = { text: { body: 'x'.repeat(300) }, type: 'text', to: '255700000000' };
    const outboxes = sources.map((s) => new OutboxRepository(s));
    for (let i = 0; i < rows; i += 500)
      await outboxes[0].enqueue(
        Array.from({ length: Math.min(500, rows - i) }, (_, n) => ({
          id: newId(),
          kind: 'bench.queue',
          orderingKey: `bench:${(i + n) % keys}`,
          payload,
        })),
        { chatbotId: ids.chatbotId, conversationId: null },
      );
    if (analyze) await sources[0].query('ANALYZE outbox');
    const outbox = await drain(workers, rows, async (w) => {
      const owner = `outbox:bench${w}`;
      const claimed = await outboxes[w].claim(owner, 16, 120_000, []);
      await Promise.all(claimed.map((r) => outboxes[w].finish(r.id, owner, { status: 'done' })));
      return claimed.length;
    });
    // The baseline: the same workers, 16 at a time, each an UPDATE of one row by its key (what
    // finishing a row costs at the least), over the same rows.
    const done = (
      await sources[0].query<Array<{ id: string }>>(
        `SELECT id FROM outbox WHERE kind = 'bench.queue'`,
      )
    ).map((r) => r.id);
    let next = 0;
    const baseline = await drain(workers, rows, async (w) => {
      const batch = done.slice(next, (next += 16));
      await Promise.all(
        batch.map((id) =>
          sources[w].query(`UPDATE outbox SET last_error = NULL WHERE id = $1`, [id]),
        ),
      );
      return batch.length;
    });
    const inboxes = sources.map((s) => new InboxRepository(s));
    for (let i = 0; i < rows; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, rows - i) }, (_, n) =>
          inboxes[0].store({
            integrationId: ids.integrationId,
            chatbotId: ids.chatbotId,
            channel: 'whatsapp',
            providerMessageId: `wamid.queue.${i + n}`,
            kind: 'bench.queue',
            sessionKey: `bench:${(i + n) % keys}`,
            payload,
          }),
        ),
      );
    if (analyze) await sources[0].query('ANALYZE inbox_events');
    const inbox = await drain(workers, rows, async (w) => {
      const owner = `inbox:bench${w}`;
      const claimed = await inboxes[w].claim(owner, 16, 120_000);
      await Promise.all(claimed.map((e) => inboxes[w].finish(e.id, owner, { status: 'done' })));
      return claimed.length;
    });
    return { outbox, inbox, baseline };
  } finally {
    for (const s of sources) await s.destroy();
  }
}

/** Runs `step(worker)` on every worker until `rows` rows were taken; returns rows/s. */
async function drain(
  workers: number,
  rows: number,
  step: (worker: number) => Promise<number>,
): Promise<number> {
  let taken = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (taken < rows) {
        const n = await step(w);
        taken += n;
        // Rows still queued behind their key's head: wait for it to finish elsewhere.
        if (n === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  return rows / ((performance.now() - started) / 1000);
}

/** Runs `users` loops calling `one(user)` until `messages` calls were made; returns the seconds. */
async function phase(
  messages: number,
  users: number,
  one: (user: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: users }, async (_, user) => {
      while (next < messages) {
        next++;
        await one(user);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/** The stub's sends, as they arrive, to whoever waits for a reply to `to` (none are kept). */
function replyWaiter(requests: StubRequest[]) {
  const waiting = new Map<string, () => void>();
  requests.push = (...arrived: StubRequest[]): number => {
    for (const r of arrived) {
      const body = r.body as { to?: unknown; status?: unknown } | undefined;
      if (body?.status === 'read' || typeof body?.to !== 'string') continue;
      const wake = waiting.get(body.to);
      waiting.delete(body.to);
      wake?.();
    }
    return 0;
  };
  return (to: string, post: () => Promise<number>) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${to} in 60 s`)), 60_000);
      waiting.set(to, () => {
        clearTimeout(timer);
        resolve();
      });
      post().then(
        (status) => {
          if (status === 200) return;
          clearTimeout(timer);
          reject(new Error(`webhook answered ${status}`));
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
}

async function main(): Promise<number> {
  const base = await findDatabaseUrl();
  if (!base) {
    console.error('bench:growth needs PostgreSQL: set DATABASE_URL.');
    return 1;
  }
  const messages = envInt('BENCH_MESSAGES', 1000);
  const users = envInt('BENCH_USERS', 20);
  const count = envInt('BENCH_INSTANCES', 1);
  const scratch = await createScratchDatabase(base, 'bench_growth');
  const graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
  const waitReply = replyWaiter(graph.requests);
  const servers: ChildServer[] = [];
  const clients: LoopbackClient[] = [];
  const db = new Client({ connectionString: scratch.url });
  try {
    for (let i = 0; i < count; i++)
      servers.push(
        await startChild(
          `gateway ${i + 1}`,
          MAIN_JS,
          {
            DATABASE_URL: scratch.url,
            DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
            ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
            BOOTSTRAP_API_KEY: BENCH_API_KEY,
            OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
            LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
          },
          '/health/ready',
          SERVER_NODE_FLAGS,
        ),
      );
    for (const s of servers)
      clients.push(new LoopbackClient(s.baseUrl, { Authorization: `Bearer ${BENCH_API_KEY}` }));
    await db.connect();
    const tuples = await withPgstattuple(db);

    const chatbotId = await publishMenuBot(clients[0], 'growth');
    const integration = await clients[0].expect<{ id: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      {
        type: 'whatsapp',
        name: 'growth',
        phone_number_id: PHONE_NUMBER_ID,
        waba_id: '102290129340398',
        access_token: ACCESS_TOKEN,
        app_secret: APP_SECRET,
        verify_token: 'verify-growth',
        graph_api_base: graph.url,
        graph_api_version: 'v21.0',
      },
    );

    console.log(...machineLines().map((l) => `${l}\n`));
    console.log(
      `${count} instance(s), ${users} users, ${messages} messages per phase, PostgreSQL database ${scratch.name}\n`,
    );

    // 1. Chat API turns.
    const turns = clients.map((c) => chatTurn(c, chatbotId));
    const steps = new Map<number, number>();
    const before = await sizes(db, tuples);
    const chat = await connectionsDuring(db, () =>
      phase(messages, users, async (user) => {
        const n = steps.get(user) ?? 0;
        steps.set(user, n + 1);
        const turn = turns[user % turns.length];
        if (!(await turn(user, Math.floor(n / SESSION_TURNS), n % SESSION_TURNS)))
          throw new Error(`Chat API turn ${n} of user ${user} failed`);
      }),
    );
    await settled(db);
    const afterChat = await sizes(db, tuples);
    console.log(
      `Chat API: ${messages} turns in ${chat.result.toFixed(1)} s (${(messages / chat.result).toFixed(0)} turns/s); ` +
        `connections at most ${chat.open} open, ${chat.active} running a statement; growth per 1,000 turns:\n`,
    );
    console.log(`${growthTable(before, afterChat, messages)}\n`);

    // 2. WhatsApp messages.
    const titles = new Map(
      Object.values(MENU_FLOW.states).flatMap((s) => s.buttons.map((b) => [b.id, b.title])),
    );
    const path = `/webhooks/whatsapp/${integration.id}`;
    const sent = new Map<number, number>();
    const wa = await connectionsDuring(db, () =>
      phase(messages, users, async (user) => {
        const n = sent.get(user) ?? 0;
        sent.set(user, n + 1);
        const from = `2557${String(user).padStart(8, '0')}`;
        const wamid = `wamid.growth.${user}.${n}`;
        const pick = n === 0 ? undefined : PICKS[(n - 1) % PICKS.length];
        const change = pick
          ? waButtonReply(PHONE_NUMBER_ID, from, wamid, pick.id, titles.get(pick.id) ?? pick.id)
          : waText(PHONE_NUMBER_ID, from, wamid, 'Hi');
        const signed = signedPost(APP_SECRET, waEnvelope(change));
        const i = user % servers.length;
        await waitReply(from, () => postRaw(clients[i], servers[i].baseUrl, path, signed));
      }),
    );
    await settled(db);
    const afterWa = await sizes(db, tuples);
    console.log(
      `WhatsApp: ${messages} messages in ${wa.result.toFixed(1)} s (${(messages / wa.result).toFixed(0)} messages/s, as many inbox and outbox claims); ` +
        `connections at most ${wa.open} open, ${wa.active} running a statement; growth per 1,000 messages:\n`,
    );
    console.log(`${growthTable(afterChat, afterWa, messages)}\n`);

    // Updates of both phases, and how many were HOT (no new index entries). A server's
    // connections report their statistics when they close: stop the servers first.
    for (const s of servers) await s.stop();
    const updates = await db.query<{ name: string; updates: string; hot: string }>(
      `SELECT relname AS name, n_tup_upd AS updates, n_tup_hot_upd AS hot FROM pg_stat_user_tables
        WHERE n_tup_upd > 0 ORDER BY n_tup_upd DESC`,
    );
    console.log(
      `Row updates in both phases (HOT: no new index entries): ${updates.rows
        .map(
          (u) =>
            `${u.name} ${u.updates} (${((100 * Number(u.hot)) / Number(u.updates)).toFixed(0)} % HOT)`,
        )
        .join(', ')}\n`,
    );

    // 3. The queues alone (the servers are stopped: their workers would take the rows).
    const queueRows = envInt('BENCH_QUEUE_ROWS', 10_000, 0);
    if (queueRows > 0) {
      const workers = envInt('BENCH_QUEUE_WORKERS', 3);
      const keys = envInt('BENCH_QUEUE_KEYS', 1000);
      const analyze = process.env.BENCH_QUEUE_ANALYZE === '1';
      const q = await queueRun(
        scratch.url,
        workers,
        queueRows,
        keys,
        { chatbotId, integrationId: integration.id },
        analyze,
      );
      console.log(
        `Queues alone (${queueRows} rows over ${keys} keys, ${workers} workers claiming 16 at a time, then finishing each; ` +
          `${analyze ? 'ANALYZE after filling' : 'statistics as autovacuum left them'}): ` +
          `outbox ${q.outbox.toFixed(0)} rows/s, inbox ${q.inbox.toFixed(0)} events/s; ` +
          `baseline (one UPDATE by primary key per row, the same workers, 16 at a time) ${q.baseline.toFixed(0)} rows/s: ` +
          `outbox ${((100 * q.outbox) / q.baseline).toFixed(0)} %, inbox ${((100 * q.inbox) / q.baseline).toFixed(0)} % of it\n`,
      );
    }
    return 0;
  } finally {
    await db.end().catch(() => undefined);
    for (const c of clients) c.close();
    for (const s of servers) await s.stop();
    await graph.close();
    await scratch.drop();
  }
}

runBench(main);
