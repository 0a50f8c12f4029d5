import type { OutboxEntry } from './outbox-entry';

/**
 * Row `alias` is waiting (pending), as the lookups of an ordering key's rows say it: written
 * as the predicate of outbox_ordering_idx and of no other index, so that PostgreSQL probes
 * that index by key whatever its statistics say (see migration 1765000800000).
 */
export const waitingForKey = (alias: string): string => `${alias}.status NOT IN ('done', 'failed')`;

/**
 * The INSERT that enqueues outbox entries inside another module's statement (a turn's
 * commit), so a delivery is durable exactly when the turn is. Parameters are SQL
 * placeholders (`$15`) or expressions (`conv.id`); `entries` is a jsonb parameter built by
 * `outboxEntriesJson`.
 *
 * With `claimBy` (an owner expression, null for none, a claim length in ms, and a text[]
 * expression of the ids of the rows the owner is delivering right now and holds behind them),
 * an entry is stored already claimed by that owner, with its first attempt counted, when
 * nothing of its ordering key is waiting, or only those rows: the dispatcher then delivers it
 * without a claiming query, at once or right after the rows it holds of the key (in batch
 * order: OutboxDispatcher.afterCommit). `RETURNING id, conversation_id, claimed` says which.
 * `entries` and the claim's expressions may read the row of `from` (a lateral join).
 */
export function enqueueOutboxSql(p: {
  entries: string;
  chatbotId: string;
  conversationId: string;
  now: string;
  from?: string;
  /** Which entries to store, over the entry `o` (e.g. `o.to_user`: not to an opted-out user). */
  where?: string;
  claimBy?: { owner: string; ms: string; held: string };
}): string {
  const head = p.claimBy
    ? `${p.claimBy.owner}::text IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM outbox q
                                       WHERE q.ordering_key = e.ordering_key AND ${waitingForKey('q')}
                                         AND (q.locked_by IS DISTINCT FROM ${p.claimBy.owner}
                                              OR NOT coalesce(q.id::text = ANY(${p.claimBy.held}::text[]), false)))`
    : 'false';
  const claim = p.claimBy
    ? `CASE WHEN o.head THEN ${p.claimBy.owner} END,
              CASE WHEN o.head THEN now() + make_interval(secs => ${p.claimBy.ms}::float8 / 1000) END,
              CASE WHEN o.head THEN 1 ELSE 0 END`
    : 'NULL, NULL, 0';
  return `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, conversation_id, payload, created_at, next_attempt_at,
                             locked_by, locked_until, attempts)
         SELECT o.id, o.kind, o.ordering_key, ${p.chatbotId}, ${p.conversationId}, o.payload, ${p.now}, ${p.now},
              ${claim}
           FROM ${p.from ? `${p.from}, LATERAL ` : ''}
                (SELECT e.*, ${head} AS head
                   FROM jsonb_to_recordset(${p.entries}::jsonb)
                        AS e(id text, kind text, ordering_key text, payload jsonb, to_user boolean,
                              event boolean)) o
         ${p.where ? `WHERE ${p.where}` : ''}
         RETURNING id, conversation_id, locked_by IS NOT NULL AS claimed`;
}

/** The entries as `enqueueOutboxSql` reads them (a jsonb array). */
export function outboxEntriesRows(entries: OutboxEntry[]): object[] {
  return entries.map((e) => ({
    id: e.id,
    kind: e.kind,
    ordering_key: e.orderingKey,
    payload: e.payload,
    to_user: e.toUser === true,
    event: e.event === true,
  }));
}

/** The jsonb parameter `enqueueOutboxSql` reads. */
export const outboxEntriesJson = (entries: OutboxEntry[]): string =>
  JSON.stringify(outboxEntriesRows(entries));
