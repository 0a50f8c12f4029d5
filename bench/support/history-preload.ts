/**
 * Bulk history for `npm run bench:steady`: many stored turns over many conversations,
 * generated in SQL (a few INSERT … SELECT over generate_series) in minutes.
 *
 * The rows are copies of what the real server wrote for one real conversation (the
 * template), driven through the gateway just before: its conversations row, and the rows of
 * every table keyed by conversation_id with a created_at (messages, conversation_traces…),
 * split into turns by the times each request was sent. Whatever the server stores per turn
 * (columns, JSON, trace size), the history has the same shape; only ids, the conversation,
 * per-conversation sequence numbers and timestamps change. Queue tables (outbox, inbox,
 * waiters) are not copied: their rows are work, not history.
 *
 * Each conversation starts with the template's first turn (the session's creation), then
 * cycles through its later turns. Conversations are spread over the past `days`, the most
 * recent `activePercent` % left ACTIVE (expired by then, as in production), the rest CLOSED.
 * Ids are ULIDs of the row's time, so the history sorts before anything written later, as it
 * would have if it had been written live.
 */
import type { Client } from 'pg';

export interface TemplateConversation {
  conversationId: string;
  /** When each turn's request was sent: turn 0 created the session. */
  starts: Date[];
}

export interface PreloadOptions {
  turns: number;
  conversations: number;
  days: number;
  activePercent: number;
  log: (line: string) => void;
}

export interface PreloadStep {
  what: string;
  rows: number;
  seconds: number;
}

const QUEUE_TABLES = /outbox|inbox|waiter|outbound_requests/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Rows per conversation and conversations are numbered below this (20 bits each). */
const ROW_SPACE = 1 << 20;

/** `chars` Crockford base-32 characters of the bigint expression `expr` (a plain column). */
function base32Sql(expr: string, chars: number): string {
  return Array.from(
    { length: chars },
    (_, k) => `substr('${CROCKFORD}', ((${expr} >> ${5 * (chars - 1 - k)}) & 31)::int + 1, 1)`,
  ).join(' || ');
}

/**
 * A ULID: 10 characters of time (ms) and 16 of "randomness", here a number unique in the
 * table (8 characters) and a hash of it (8). Both arguments must be plain columns.
 */
export function ulidSql(msColumn: string, uniqueColumn: string): string {
  return `(${base32Sql(msColumn, 10)} || ${base32Sql(uniqueColumn, 8)} || ${base32Sql(
    `(hashint8(${uniqueColumn})::bigint & 1099511627775)`,
    8,
  )})`;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

interface Column {
  table: string;
  name: string;
  type: string;
  length: number | null;
  /** Filled by the database (identity, serial or generated): left out of the INSERT. */
  automatic: boolean;
}

async function columnsOf(db: Client): Promise<Map<string, Column[]>> {
  const r = await db.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    column_default: string | null;
    is_identity: string;
    is_generated: string;
  }>(
    `SELECT table_name, column_name, data_type, character_maximum_length, column_default,
            is_identity, is_generated
       FROM information_schema.columns
      WHERE table_schema = 'public'
      ORDER BY table_name, ordinal_position`,
  );
  const out = new Map<string, Column[]>();
  for (const c of r.rows) {
    const list = out.get(c.table_name) ?? [];
    list.push({
      table: c.table_name,
      name: c.column_name,
      type: c.data_type,
      length: c.character_maximum_length,
      automatic:
        c.is_identity === 'YES' ||
        c.is_generated === 'ALWAYS' ||
        /^nextval\(/.test(c.column_default ?? ''),
    });
    out.set(c.table_name, list);
  }
  return out;
}

const isTime = (c: Column): boolean => c.type.startsWith('timestamp');
const isText = (c: Column): boolean =>
  c.type === 'character' || c.type.startsWith('char') || c.type === 'text';

async function timed<T>(
  what: string,
  steps: PreloadStep[],
  run: () => Promise<T>,
  rows: (v: T) => number,
) {
  const t0 = process.hrtime.bigint();
  const v = await run();
  steps.push({ what, rows: rows(v), seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
  return v;
}

/** Writes the history; returns what each step did and how long it took. */
export async function preloadHistory(
  db: Client,
  template: TemplateConversation,
  opts: PreloadOptions,
): Promise<PreloadStep[]> {
  const steps: PreloadStep[] = [];
  const templateTurns = template.starts.length - 1;
  if (templateTurns < 1) throw new Error('the template conversation needs at least one turn');
  const conversations = Math.min(opts.conversations, opts.turns);
  if (conversations >= ROW_SPACE) throw new Error(`at most ${ROW_SPACE - 1} conversations`);
  const maxTurns = Math.ceil(opts.turns / conversations);
  const baseTurns = Math.floor(opts.turns / conversations);
  const extra = opts.turns - baseTurns * conversations;
  // Turns 20 s apart; the whole history ends an hour ago.
  const gapMs = Math.max(1, Math.min(20_000, Math.floor(3_600_000 / maxTurns)));
  const endMs = Date.now() - 3_600_000;
  const spanMs = opts.days * 86_400_000;

  const columns = await columnsOf(db);
  await db.query(`SET work_mem = '512MB'`);
  await db.query(`SET maintenance_work_mem = '512MB'`);

  // Turn windows of the template: turn j's rows were written in [from, to).
  await db.query(
    `CREATE TEMP TABLE preload_bounds (j int PRIMARY KEY, from_ts timestamptz, to_ts timestamptz)`,
  );
  await db.query(
    `INSERT INTO preload_bounds
     SELECT j - 1, f, coalesce(lead(f) OVER (ORDER BY j), 'infinity')
       FROM unnest($1::timestamptz[]) WITH ORDINALITY AS t(f, j)`,
    [template.starts.map((d) => d.toISOString())],
  );
  await db.query(
    `CREATE TEMP TABLE preload_plan AS
     SELECT i, CASE WHEN i = 0 THEN 0 ELSE 1 + (i - 1) % $1 END AS j
       FROM generate_series(0, $2::int - 1) i`,
    [templateTurns, maxTurns],
  );
  await db.query(
    `CREATE TEMP TABLE preload_conv AS
     SELECT c, ${ulidSql('created_ms', 'c')}::char(26) AS id, created_ms, turns, active
       FROM (SELECT c::bigint AS c,
                    $1::bigint - $2::bigint + (c - 1) * ($2::bigint / $3::int) AS created_ms,
                    $4::int + CASE WHEN c <= $5 THEN 1 ELSE 0 END AS turns,
                    c > $3::int - ceil($3::int * $6::float8 / 100) AS active
               FROM generate_series(1, $3::int) c) s`,
    [endMs, spanMs, conversations, baseTurns, extra, opts.activePercent],
  );

  // Conversations: the template's row with a new id, times, status and count.
  const conv = columns.get('conversations');
  if (!conv) throw new Error('no conversations table');
  const has = (cols: Column[], name: string): boolean => cols.some((c) => c.name === name);
  const lastTurn = `to_timestamp((pc.created_ms + (pc.turns - 1) * ${gapMs}) / 1000.0)`;
  const convExpr = (c: Column): string => {
    switch (c.name) {
      case 'id':
        return 'pc.id';
      case 'user_id':
        return 'CASE WHEN x.user_id = x.id THEN pc.id ELSE x.user_id END';
      case 'status':
        return `CASE WHEN pc.active THEN 'ACTIVE' ELSE 'CLOSED' END`;
      case 'message_count':
        return `(x.message_count::float8 * pc.turns / ${templateTurns + 1})::int`;
      case 'lease_owner':
      case 'lease_until':
        return 'NULL';
      case 'created_at':
        return 'to_timestamp(pc.created_ms / 1000.0)';
      default:
        if (isTime(c) && has(conv, 'updated_at'))
          return `x.${quote(c.name)} - x.updated_at + ${lastTurn}`;
        return `x.${quote(c.name)}`;
    }
  };
  const convCols = conv.filter((c) => !c.automatic);
  const convRows = await timed(
    'conversations',
    steps,
    () =>
      db.query(
        `INSERT INTO conversations (${convCols.map((c) => quote(c.name)).join(', ')})
         SELECT ${convCols.map(convExpr).join(', ')}
           FROM preload_conv pc, conversations x
          WHERE x.id = $1
          ORDER BY pc.c`,
        [template.conversationId],
      ),
    (r) => r.rowCount ?? 0,
  );
  opts.log(`  conversations: ${convRows.rowCount?.toLocaleString('en')} rows`);

  // Every table of per-turn rows.
  for (const [table, cols] of columns) {
    if (table === 'conversations' || QUEUE_TABLES.test(table)) continue;
    if (!has(cols, 'conversation_id') || !has(cols, 'created_at')) continue;
    const order = has(cols, 'seq') ? 'x.seq' : has(cols, 'id') ? 'x.id' : 'x.created_at';
    await db.query(`DROP TABLE IF EXISTS preload_tpl`);
    const tpl = await db.query(
      `CREATE TEMP TABLE preload_tpl AS
       SELECT b.j AS preload_j, (row_number() OVER (PARTITION BY b.j ORDER BY ${order}) - 1)::int AS preload_k,
              min(x.created_at) OVER (PARTITION BY b.j) AS preload_at, x.*
         FROM ${quote(table)} x JOIN preload_bounds b ON x.created_at >= b.from_ts AND x.created_at < b.to_ts
        WHERE x.conversation_id = $1`,
      [template.conversationId],
    );
    if (!tpl.rowCount) continue;
    const perTurn = await db.query<{ most: number }>(
      `SELECT max(n)::int AS most FROM (SELECT count(*) AS n FROM preload_tpl GROUP BY preload_j) s`,
    );
    if (maxTurns * perTurn.rows[0].most >= ROW_SPACE)
      throw new Error(`${table}: too many rows per conversation for the id scheme`);
    await db.query(`DROP TABLE IF EXISTS preload_table_plan`);
    await db.query(
      `CREATE TEMP TABLE preload_table_plan AS
       SELECT p.i, p.j,
              coalesce(sum(n.rows) OVER (ORDER BY p.i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
         FROM preload_plan p
         LEFT JOIN (SELECT preload_j AS j, count(*) AS rows FROM preload_tpl GROUP BY preload_j) n ON n.j = p.j`,
    );
    const expr = (c: Column): string | null => {
      if (c.name === 'id') return isText(c) ? ulidSql('v.ms', 'v.u') : `x.${quote(c.name)}`;
      if (c.name === 'conversation_id') return 'pc.id';
      if (c.name === 'seq') return 'p.before + x.preload_k';
      if (isTime(c)) return `x.${quote(c.name)} - x.preload_at + to_timestamp(v.ms / 1000.0)`;
      return `x.${quote(c.name)}`;
    };
    const targets = cols.filter((c) => !c.automatic);
    const rows = await timed(
      table,
      steps,
      () =>
        db.query(
          `INSERT INTO ${quote(table)} (${targets.map((c) => quote(c.name)).join(', ')})
           SELECT ${targets.map(expr).join(', ')}
             FROM preload_conv pc
             JOIN preload_table_plan p ON p.i < pc.turns
             JOIN preload_tpl x ON x.preload_j = p.j
             CROSS JOIN LATERAL (SELECT pc.created_ms + p.i * ${gapMs}::bigint AS ms,
                                        pc.c * ${ROW_SPACE}::bigint + p.before + x.preload_k AS u
                                 OFFSET 0) v
            ORDER BY v.ms, pc.c, x.preload_k`,
        ),
      (r) => r.rowCount ?? 0,
    );
    opts.log(`  ${table}: ${rows.rowCount?.toLocaleString('en')} rows`);
  }
  await timed(
    'VACUUM ANALYZE',
    steps,
    () => db.query('VACUUM ANALYZE'),
    () => 0,
  );
  await db.query('RESET work_mem');
  await db.query('RESET maintenance_work_mem');
  return steps;
}
