/**
 * What a PostgreSQL database costs while a benchmark runs: CPU of the server's processes,
 * WAL written, bytes stored per table and index, and row writes per table, as snapshots to
 * subtract. Read by `npm run bench:steady`.
 *
 * PostgreSQL CPU: the server must run on this machine (its processes visible in /proc). The
 * postmaster is found as the parent of our own backend (pg_backend_pid()); its CPU is then
 * utime + stime of the postmaster and of every living child (backends, checkpointer, WAL
 * writer, autovacuum workers…), plus the postmaster's cutime + cstime, where the kernel adds
 * the CPU of children that have exited and been reaped (short-lived backends, autovacuum
 * workers). That sum only grows, whatever started or ended between two snapshots. It covers
 * the whole server: other databases' work counts too (see otherTransactions).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime, ticks */
  own: number;
  /** cutime + cstime (reaped children), ticks */
  children: number;
}

function readProcStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": [0] state (field 3), [1] ppid (4), [11..14] utime stime cutime cstime (14..17).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}

/** The postmaster's pid when the server runs on this machine (else null): our backend's parent. */
export function findPostmaster(backendPid: number): number | null {
  const backend = readProcStat(backendPid);
  if (!backend) return null;
  try {
    const cmd = readFileSync(`/proc/${backend.ppid}/cmdline`, 'utf8');
    if (!/postgres|postmaster/.test(cmd)) return null;
  } catch {
    return null;
  }
  return backend.ppid;
}

/** CPU (ms) the whole PostgreSQL server has used so far; see the file comment. */
export function postgresCpuMs(postmaster: number | null): number {
  if (postmaster === null) return NaN;
  const main = readProcStat(postmaster);
  if (!main) return NaN;
  let ticks = main.own + main.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = readProcStat(Number(entry));
    if (p && p.ppid === postmaster) ticks += p.own + p.children;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** A WAL position ("16/B374D848") as a byte offset. */
export function lsnBytes(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** A byte offset as a WAL position. */
export function lsnText(bytes: bigint): string {
  return `${(bytes >> 32n).toString(16).toUpperCase()}/${(bytes & 0xffffffffn).toString(16).toUpperCase()}`;
}

export interface RelationSize {
  /** "messages", "messages (toast)", or an index name */
  name: string;
  table: string;
  kind: 'table' | 'toast' | 'index';
  bytes: number;
}

export interface TableCounters {
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
  seqScans: number;
  indexScans: number;
  /** Indexes on the table, and how many of them are partial (a row may not enter those). */
  indexes: number;
  partialIndexes: number;
}

export interface PgSnapshot {
  cpuMs: number;
  wal: bigint;
  relations: RelationSize[];
  tables: Map<string, TableCounters>;
  /** idx_scan per index */
  indexScans: Map<string, number>;
  /**
   * Bytes the schema's tables hold: each table's and TOAST table's pages less their free
   * space (pgstattuple_approx; dead rows count until vacuumed), plus every index's size.
   * Without pgstattuple: the files' sizes, as fileBytes.
   */
  storedBytes: number;
  /** Σ pg_total_relation_size: the files, with pages allocated ahead and not yet filled. */
  fileBytes: number;
  databaseBytes: number;
  checkpoints: number;
  /** Transactions of this database, and of all others (their work shares the server's CPU and WAL). */
  transactions: number;
  otherTransactions: number;
}

const num = (v: unknown): number => Number(v ?? 0);

/** Observes the database of `url` (schema public) from one long-lived connection. */
export class PgObserver {
  private postmaster: number | null = null;
  /** pgstattuple is installed in the database: heap sizes are bytes used, not file sizes. */
  private usedSpace = false;
  /** pg_walinspect is installed: the WAL of this database can be told from the server's. */
  private walInspect = false;
  private databaseOid = 0;
  /**
   * Where the server counts its checkpoints (PostgreSQL 17 moved them). Chosen once: any
   * failed statement in this session would drop holdWal's temporary slot.
   */
  private checkpointsSql = 'SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter';

  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<PgObserver> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const o = new PgObserver(client);
    const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const host = new URL(url).hostname;
    const local = ['', 'localhost', '127.0.0.1', '::1', '[::1]'].includes(host);
    o.postmaster = local ? findPostmaster(r.rows[0].pid) : null;
    // A heap grows by many pages at once under concurrent inserts; count what is used.
    o.usedSpace = await client.query('CREATE EXTENSION IF NOT EXISTS pgstattuple').then(
      () => true,
      () => false,
    );
    o.walInspect = await client.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect').then(
      () => true,
      () => false,
    );
    const db = await client.query<{ oid: number }>(
      'SELECT oid FROM pg_database WHERE datname = current_database()',
    );
    o.databaseOid = Number(db.rows[0].oid);
    const v17 = await client.query<{ found: boolean }>(
      `SELECT to_regclass('pg_catalog.pg_stat_checkpointer') IS NOT NULL AS found`,
    );
    if (v17.rows[0].found)
      o.checkpointsSql = 'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer';
    return o;
  }

  /** True when table sizes are bytes used (pgstattuple), false when they are file sizes. */
  get measuresUsedSpace(): boolean {
    return this.usedSpace;
  }

  /** True when PostgreSQL's CPU can be read (the server runs on this machine). */
  get seesCpu(): boolean {
    return this.postmaster !== null;
  }

  query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.client.query<T & Record<string, unknown>>(sql, params).then((r) => r.rows);
  }

  /** The server's settings that shape these figures, as one line. */
  async settingsLine(): Promise<string> {
    const rows = await this.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('shared_buffers', 'autovacuum', 'max_wal_size', 'checkpoint_timeout',
                       'synchronous_commit', 'full_page_writes', 'wal_compression', 'work_mem',
                       'data_checksums', 'wal_log_hints')
        ORDER BY name`,
    );
    const [{ v }] = await this.query<{ v: string }>(
      `SELECT current_setting('server_version') AS v`,
    );
    const show = (r: { name: string; setting: string; unit: string | null }): string => {
      if (r.unit === '8kB') return `${r.name}=${(Number(r.setting) * 8) / 1024} MB`;
      if (r.unit === 'MB' || r.unit === 'kB' || r.unit === 's')
        return `${r.name}=${r.setting} ${r.unit}`;
      return `${r.name}=${r.setting}`;
    };
    return `PostgreSQL ${v}: ${rows.map(show).join(', ')}`;
  }

  /**
   * The cheap part of a snapshot: the whole server's CPU so far (ms; NaN when it cannot be
   * read) and the WAL position, for a figure per event over a benchmark's round.
   */
  async cpuAndWal(): Promise<{ cpuMs: number; wal: bigint }> {
    const [wal] = await this.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return { cpuMs: postgresCpuMs(this.postmaster), wal: lsnBytes(wal.lsn) };
  }

  async snapshot(): Promise<PgSnapshot> {
    const { cpuMs, wal } = await this.cpuAndWal();
    const used = (rel: string): string =>
      this.usedSpace
        ? `(SELECT table_len - approx_free_space FROM pgstattuple_approx(${rel}))`
        : `pg_table_size(${rel})`;
    const tableRows = await this.query<{
      table: string;
      heap: string;
      toast: string;
      total: string;
    }>(
      `SELECT c.relname AS table, ${used('c.oid')} AS heap,
              CASE WHEN c.reltoastrelid = 0 THEN 0
                   ELSE ${used('c.reltoastrelid')} + pg_indexes_size(c.reltoastrelid) END AS toast,
              pg_total_relation_size(c.oid) AS total
         FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
    );
    const indexRows = await this.query<{
      index: string;
      table: string;
      bytes: string;
      partial: boolean;
      scans: string;
    }>(
      `SELECT ic.relname AS index, c.relname AS table, pg_relation_size(i.indexrelid) AS bytes,
              i.indpred IS NOT NULL AS partial, coalesce(s.idx_scan, 0) AS scans
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_class ic ON ic.oid = i.indexrelid
         LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
        WHERE c.relnamespace = 'public'::regnamespace`,
    );
    const statRows = await this.query<{
      table: string;
      ins: string;
      upd: string;
      hot: string;
      del: string;
      seq: string;
      idx: string;
    }>(
      `SELECT relname AS table, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot,
              n_tup_del AS del, coalesce(seq_scan, 0) AS seq, coalesce(idx_scan, 0) AS idx
         FROM pg_stat_user_tables WHERE schemaname = 'public'`,
    );
    const [db] = await this.query<{ size: string; mine: string; others: string }>(
      `SELECT pg_database_size(current_database()) AS size,
              (SELECT xact_commit + xact_rollback FROM pg_stat_database
                WHERE datname = current_database()) AS mine,
              (SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database
                WHERE datname IS DISTINCT FROM current_database()) AS others`,
    );
    const checkpoints = await this.checkpoints();

    const relations: RelationSize[] = [];
    for (const t of tableRows) {
      relations.push({ name: t.table, table: t.table, kind: 'table', bytes: num(t.heap) });
      relations.push({
        name: `${t.table} (toast)`,
        table: t.table,
        kind: 'toast',
        bytes: num(t.toast),
      });
    }
    for (const i of indexRows)
      relations.push({ name: i.index, table: i.table, kind: 'index', bytes: num(i.bytes) });
    const tables = new Map<string, TableCounters>();
    for (const s of statRows) {
      const mine = indexRows.filter((i) => i.table === s.table);
      tables.set(s.table, {
        inserted: num(s.ins),
        updated: num(s.upd),
        hotUpdated: num(s.hot),
        deleted: num(s.del),
        seqScans: num(s.seq),
        indexScans: num(s.idx),
        indexes: mine.length,
        partialIndexes: mine.filter((i) => i.partial).length,
      });
    }
    return {
      cpuMs,
      wal,
      relations,
      tables,
      indexScans: new Map(indexRows.map((i) => [i.index, num(i.scans)])),
      storedBytes: relations.reduce((sum, r) => sum + r.bytes, 0),
      fileBytes: tableRows.reduce((sum, t) => sum + num(t.total), 0),
      databaseBytes: num(db.size),
      checkpoints,
      transactions: num(db.mine),
      otherTransactions: num(db.others),
    };
  }

  /**
   * CPU of this database's backends (the observer's own left out), from when this is called
   * to stop(): each backend's CPU is read every `everyMs`, so one that exits in between loses
   * at most its last interval (an idle pool connection closing after the load: nothing).
   * Unlike postgresCpuMs, other databases' work and the server's shared processes
   * (checkpointer, WAL writer) do not count.
   */
  backendCpu(everyMs = 1000): { stop(): Promise<number> } {
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    const sample = async (initial: boolean): Promise<void> => {
      const rows = await this.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      for (const { pid } of rows) {
        const p = readProcStat(pid);
        if (!p) continue;
        const cpu = ((p.own + p.children) * 1000) / TICKS_PER_SECOND;
        // A backend born after the first reading: all its CPU is in the window.
        if (!first.has(pid)) first.set(pid, initial ? cpu : 0);
        last.set(pid, cpu);
      }
    };
    let running: Promise<void> = this.postmaster === null ? Promise.resolve() : sample(true);
    const timer = setInterval(() => {
      running = running.then(() => sample(false)).catch(() => undefined);
    }, everyMs);
    return {
      stop: async () => {
        clearInterval(timer);
        if (this.postmaster === null) return NaN;
        await running;
        await sample(false);
        let ms = 0;
        for (const [pid, cpu] of last) ms += cpu - (first.get(pid) ?? 0);
        return ms;
      },
    };
  }

  /**
   * Keeps the server's WAL from now until the returned function runs (a temporary
   * replication slot of this connection, gone with it at the latest, or at its first failed
   * statement), so that databaseWal can read it even if a checkpoint comes in between. Null
   * when not possible.
   */
  async holdWal(): Promise<(() => Promise<void>) | null> {
    if (!this.walInspect) return null;
    const name = `bench_wal_${process.pid}`;
    try {
      await this.client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [name]);
    } catch {
      return null;
    }
    // An error in this session drops a temporary slot by itself.
    return async () => {
      await this.client.query(
        'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
        [name],
      );
    };
  }

  /**
   * WAL written for this database between two positions (pg_walinspect): the records that
   * touch its pages, and those of the same transactions (their commit records). Full-page
   * images are part of the bytes and also given apart. Null without pg_walinspect or when the
   * WAL is gone.
   */
  async databaseWal(from: bigint, to: bigint): Promise<{ bytes: number; fpiBytes: number } | null> {
    if (!this.walInspect || to <= from) return null;
    try {
      const [r] = await this.query<{ bytes: string; fpi: string }>(
        `WITH r AS MATERIALIZED (
           SELECT xid::text AS xid, record_length, fpi_length, block_ref ~ $3 AS ours
             FROM pg_get_wal_records_info($1::pg_lsn, least($2::pg_lsn, pg_current_wal_flush_lsn()))
         ), mine AS (SELECT DISTINCT xid FROM r WHERE ours AND xid <> '0')
         SELECT coalesce(sum(record_length), 0) AS bytes, coalesce(sum(fpi_length), 0) AS fpi
           FROM r WHERE ours OR xid IN (SELECT xid FROM mine)`,
        [lsnText(from), lsnText(to), `rel [0-9]+/${this.databaseOid}/`],
      );
      return { bytes: num(r.bytes), fpiBytes: num(r.fpi) };
    } catch (err) {
      console.error(`pg_walinspect: ${String(err)} (${lsnText(from)}–${lsnText(to)})`);
      return null;
    }
  }

  /** Checkpoints the server has made so far (timed and requested). */
  checkpoints(): Promise<number> {
    return this.query<{ n: string }>(this.checkpointsSql).then((r) => num(r[0]?.n));
  }

  async checkpoint(): Promise<void> {
    await this.client.query('CHECKPOINT');
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export interface TableWrites {
  table: string;
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
  /**
   * Index entries written: one per index for every insert and every update that is not
   * HOT. Partial indexes are counted as if every row entered them (an upper bound).
   */
  indexEntries: number;
  indexes: number;
  partialIndexes: number;
}

/** What happened between two snapshots, per turn (`turns` turns ran in between). */
export interface PgDelta {
  turns: number;
  cpuMs: number;
  walBytes: number;
  storedBytes: number;
  fileBytes: number;
  checkpoints: number;
  transactions: number;
  otherTransactions: number;
  /** Growth of every relation that changed size, largest first (bytes, not per turn). */
  growth: RelationSize[];
  /** Row writes of every table written to (totals, not per turn). */
  writes: TableWrites[];
  /** idx_scan increase of every index read (totals). */
  indexScans: Array<{ index: string; scans: number }>;
}

export function pgDelta(before: PgSnapshot, after: PgSnapshot, turns: number): PgDelta {
  const sizeBefore = new Map(before.relations.map((r) => [r.name, r.bytes]));
  const growth = after.relations
    .map((r) => ({ ...r, bytes: r.bytes - (sizeBefore.get(r.name) ?? 0) }))
    .filter((r) => r.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes);
  const writes: TableWrites[] = [];
  for (const [table, a] of after.tables) {
    const b = before.tables.get(table);
    const d = (k: keyof TableCounters): number => a[k] - (b?.[k] ?? 0);
    const inserted = d('inserted');
    const updated = d('updated');
    const hotUpdated = d('hotUpdated');
    const deleted = d('deleted');
    if (inserted + updated + deleted === 0) continue;
    writes.push({
      table,
      inserted,
      updated,
      hotUpdated,
      deleted,
      indexEntries: (inserted + updated - hotUpdated) * a.indexes,
      indexes: a.indexes,
      partialIndexes: a.partialIndexes,
    });
  }
  writes.sort((x, y) => y.indexEntries - x.indexEntries);
  const indexScans = [...after.indexScans]
    .map(([index, scans]) => ({ index, scans: scans - (before.indexScans.get(index) ?? 0) }))
    .filter((s) => s.scans > 0)
    .sort((x, y) => y.scans - x.scans);
  return {
    turns,
    cpuMs: after.cpuMs - before.cpuMs,
    walBytes: Number(after.wal - before.wal),
    storedBytes: after.storedBytes - before.storedBytes,
    fileBytes: after.fileBytes - before.fileBytes,
    checkpoints: after.checkpoints - before.checkpoints,
    transactions: after.transactions - before.transactions,
    otherTransactions: after.otherTransactions - before.otherTransactions,
    growth,
    writes,
    indexScans,
  };
}
