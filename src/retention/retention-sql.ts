import { IDEMPOTENCY_WINDOW_HOURS } from '../agents/outbound-requests.repository';

/**
 * The statements of the retention sweep (docs/retention.md). Each deletes at most one batch
 * in one short statement (its own transaction), and takes only rows nobody holds
 * (`FOR UPDATE … SKIP LOCKED`): two instances sweeping at once share the work instead of
 * waiting for each other, and a turn is never made to wait.
 */

/** The tables the sweep walks along their primary key (a ULID, so in creation order). */
export type SlicedTable =
  'outbox' | 'inbox_events' | 'conversation_traces' | 'messages' | 'web_sessions';

/** The tables swept by age alone, oldest first. */
export type AgedTable = 'turn_waiters' | 'outbound_requests';

export type RetentionTable = SlicedTable | AgedTable;

/**
 * A conversation that takes no more messages: closed, or ACTIVE past its expiry (it answers
 * 410 and becomes EXPIRED when next touched; nothing reopens it). One waiting for or talking
 * with a person never expires, so it is never finished here.
 */
const finished = (c: string) =>
  `(${c}.status IN ('CLOSED', 'EXPIRED') OR (${c}.status = 'ACTIVE' AND ${c}.expires_at < now()))`;

/** `at` is older than `days` (an SQL expression; 0 keeps for ever) before $5, the sweep's now. */
const olderThan = (at: string, days: string) =>
  `${days} > 0 AND ${at} < $5::timestamptz - ${days} * interval '1 day'`;

/**
 * One slice of a table: the next $3 keys after $1 and before $2, in key order (a range of
 * the primary key index, nothing else read); of those, the rows `where` says are due,
 * locked unless someone holds them, are deleted. `then` runs on the deleted rows (`doomed`).
 * Returns the slice's last key (where the next slice starts), how many keys it had (fewer
 * than $3: the end is reached) and how many rows went. $4 is the default period in days,
 * $5 the sweep's now.
 */
function sliceSql(p: {
  table: SlicedTable;
  key: string;
  join?: string;
  where: string;
  then?: string;
}): string {
  return `WITH slice AS (
         SELECT ${p.key} AS key FROM ${p.table}
          WHERE ${p.key} > $1::bpchar AND ${p.key} < $2::bpchar
          ORDER BY ${p.key} LIMIT $3
       ), doomed AS (
         SELECT r.* FROM slice s JOIN ${p.table} r ON r.${p.key} = s.key ${p.join ?? ''}
          WHERE ${p.where}
          FOR UPDATE OF r SKIP LOCKED
       ), gone AS (
         DELETE FROM ${p.table} r USING doomed d WHERE r.${p.key} = d.${p.key} RETURNING r.${p.key}
       )${p.then ? `, then_ AS (${p.then})` : ''}
       SELECT (SELECT max(key) FROM slice) AS last, (SELECT count(*) FROM slice)::int AS scanned,
              (SELECT count(*) FROM gone)::int AS deleted`;
}

/** The chatbot behind a conversation row `r`, for a chatbot's own period. */
const CONVERSATION_CHATBOT = `JOIN conversations c ON c.id = r.conversation_id
                              JOIN chatbots b ON b.id = c.chatbot_id`;

const MESSAGE_DAYS = 'coalesce(b.message_retention_days, $4::float8)';

/**
 * A finished conversation's history is kept whole for its period after its last activity,
 * then goes whole (in as many slices as it takes).
 */
const HISTORY_DUE = `${finished('c')} AND ${olderThan('c.updated_at', MESSAGE_DAYS)}`;

export const SLICE_SQL: Record<SlicedTable, string> = {
  /** Deliveries done or failed for good, counted from when they ended. */
  outbox: sliceSql({
    table: 'outbox',
    key: 'id',
    where: `r.status IN ('done', 'failed') AND ${olderThan('r.done_at', '$4::float8')}`,
  }),
  /**
   * Provider events processed (or failed for good). Their unique provider id is what turns a
   * provider's redelivery away, so the period must outlast the providers' retries.
   */
  inbox_events: sliceSql({
    table: 'inbox_events',
    key: 'id',
    where: `r.status IN ('done', 'failed') AND ${olderThan('r.processed_at', '$4::float8')}`,
  }),
  /** Turn traces, open conversation or not (the engine never reads them). */
  conversation_traces: sliceSql({
    table: 'conversation_traces',
    key: 'id',
    join: CONVERSATION_CHATBOT,
    where: olderThan('r.created_at', 'coalesce(b.trace_retention_days, $4::float8)'),
  }),
  /**
   * Messages of finished conversations. The conversation's preview (a copy of its last
   * message) goes with them; its row stays, with its counts, for lists and stats.
   */
  messages: sliceSql({
    table: 'messages',
    key: 'id',
    join: CONVERSATION_CHATBOT,
    where: HISTORY_DUE,
    then: `UPDATE conversations c SET last_message_preview = NULL
             WHERE c.id IN (SELECT x.id FROM conversations x
                             WHERE x.id IN (SELECT conversation_id FROM doomed)
                               AND x.last_message_preview IS NOT NULL
                             FOR UPDATE SKIP LOCKED)`,
  }),
  /** A web visitor's session (its token) goes with its conversation's history. */
  web_sessions: sliceSql({
    table: 'web_sessions',
    key: 'conversation_id',
    join: CONVERSATION_CHATBOT,
    where: HISTORY_DUE,
  }),
};

/** One slice's outcome (see sliceSql). */
export interface SliceRow {
  last: string | null;
  scanned: number;
  deleted: number;
}

/**
 * Up to $1 rows due by age, oldest first; returns `deleted`. These tables hold no kept rows
 * among their old ones, so every batch starts from the oldest.
 */
export const AGED_SQL: Record<AgedTable, string> = {
  /**
   * Places in line whose message stopped waiting without taking them back (its instance
   * died). An expired place counts for nobody (turn-sql.ts's takeLease reads live ones only);
   * a minute's grace keeps the sweep clear of the line's own cleanup.
   */
  turn_waiters: `WITH doomed AS (
         SELECT id FROM turn_waiters WHERE expires_at < now() - interval '1 minute'
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM turn_waiters w USING doomed d WHERE w.id = d.id RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`,
  /**
   * Idempotency keys past their window: a key older than it is free again (see
   * OutboundRequestsRepository.claim), so its row only takes room.
   */
  outbound_requests: `WITH doomed AS (
         SELECT chatbot_id, idempotency_key FROM outbound_requests
          WHERE created_at < now() - interval '${IDEMPOTENCY_WINDOW_HOURS} hours'
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM outbound_requests r USING doomed d
          WHERE r.chatbot_id = d.chatbot_id AND r.idempotency_key = d.idempotency_key RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM gone`,
};

/** The chatbots' own periods: the shortest of each, for where a sweep must look up to. */
export const SHORTEST_OVERRIDES_SQL = `SELECT min(trace_retention_days) FILTER (WHERE trace_retention_days > 0) AS traces,
              min(message_retention_days) FILTER (WHERE message_retention_days > 0) AS messages
         FROM chatbots`;
