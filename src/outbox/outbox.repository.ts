import { Injectable } from '@nestjs/common';
import type { ClaimOutcome } from '../database/claim-worker';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql';
import { newId } from '../common/new-id';
import {
  deliveredRows,
  failedStatusEventsSql,
  messagesDeliveredSql,
  type MessagesDelivery,
} from '../conversation/messages-delivered-sql';
import type { OutboxEntry } from './outbox-entry';
import type { OutboxDelivery } from './outbox-handler';
import { enqueueOutboxSql, outboxEntriesJson } from './outbox-sql';

interface ClaimedRow {
  id: string;
  kind: string;
  chatbot_id: string;
  conversation_id: string | null;
  ordering_key: string;
  payload: unknown;
  attempts: number;
  claim_check: boolean | null;
}

/** Every statement on the `outbox` table. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Enqueues outside a turn (agent replies, outbound messages); a turn enqueues in its commit. */
  async enqueue(
    entries: OutboxEntry[],
    owner: { chatbotId: string; conversationId: string | null },
  ): Promise<void> {
    if (entries.length === 0) return;
    await sqlRows(
      this.db,
      enqueueOutboxSql({ entries: '$1', chatbotId: '$2', conversationId: '$3', now: 'now()' }),
      [outboxEntriesJson(entries), owner.chatbotId, owner.conversationId],
    );
  }

  /**
   * Claims up to `limit` due rows for `owner` until `claimMs` from now. Only the head of an
   * ordering key can be claimed (no older pending row with the same key), so rows of one key
   * go one at a time and in order; a head waiting for its retry holds back its own key only.
   * Rows of the `chatbot kind` pairs in `skip` (at their in-flight cap here) are left for later.
   * `check`: an expression over the row `o`, returned as the delivery's `claimCheck`.
   */
  async claim(
    owner: string,
    limit: number,
    claimMs: number,
    skip: string[],
    check = 'NULL::boolean',
  ): Promise<OutboxDelivery[]> {
    const rows = await sqlRows<ClaimedRow>(
      this.db,
      `${claimSql({ owner: '$1', claimMs: '$2', limit: '$3', skip: '$4::text[]', check })}
        ORDER BY o.next_attempt_at, o.created_at, o.id`,
      [owner, claimMs, limit, skip],
    );
    return rows.map(deliveryOf);
  }

  /** Ends one attempt (see finishMany). */
  async finish(
    id: string,
    owner: string,
    outcome: ClaimOutcome,
    record?: MessagesDelivery,
  ): Promise<void> {
    await this.finishMany(owner, [{ id, outcome, record }], []);
  }

  /**
   * Ends attempts of `owner`: each done, failed for good, or pending again after `retryInMs`,
   * and its `record` written with it, only if `owner` still held the claim. In the same
   * statement, claims for `owner` up to `limit` due rows of each chatbot and kind in `handOn`
   * (the slots these attempts free, handed to the rows waiting for them; `check` as claim's):
   * the rows claimed. At most MAX_ENDS ends (see finishStatement).
   */
  async finishMany(
    owner: string,
    ends: ReadonlyArray<{ id: string; outcome: ClaimOutcome; record?: MessagesDelivery }>,
    handOn: ReadonlyArray<{ chatbotId: string; kind: string; limit: number }>,
    claim?: { ms: number; check: string },
  ): Promise<OutboxDelivery[]> {
    const { sql, params } = finishStatement(owner, ends, handOn, claim);
    const rows = await sqlRows<ClaimedRow>(this.db, sql, params);
    return handOn.length ? rows.map(deliveryOf) : [];
  }

  /**
   * Gives claims back without counting the attempt (shutdown, or a claim over a chatbot's
   * cap): another instance, or this one later, takes the rows at once.
   */
  async release(ids: string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(
      this.db,
      `UPDATE outbox SET locked_by = NULL, locked_until = NULL, attempts = greatest(attempts - 1, 0)
        WHERE id = ANY($1::bpchar[]) AND locked_by = $2`,
      [ids, owner],
    );
  }
}

/**
 * finishMany's statement: set-based, one UPDATE of `outbox` for all the ends and one of
 * `messages` for all their records, each reading its rows (a jsonb parameter) through
 * `batch_rows`, so that every row is found by its key whatever the tables' statistics: one
 * statement text for any number of ends (per number of `handOn` caps, and one more for
 * batches that fail messages, whose `message.status` events it stores), planned once per
 * connection. A delivered row keeps its bookkeeping and drops its payload (`{}`): what was sent
 * is on the conversation's messages, and the update that ends the row then writes a small row
 * version instead of a copy of the payload (about a tenth of a WhatsApp message's WAL); a
 * failed row keeps it. Each end carries its owner, compared as a join condition: as a constant
 * (`locked_by = $1`), on a table analyzed with every row unclaimed, PostgreSQL read the whole
 * outbox for each end (the owner looked as if it matched nothing). (The statement had a step
 * per end, its slots rounded up to a power of two so that a few texts served every batch:
 * each step planned and started on every run, and a plan of 1.3 MB per connection for 16.)
 */
export function finishStatement(
  owner: string,
  ends: ReadonlyArray<{ id: string; outcome: ClaimOutcome; record?: MessagesDelivery }>,
  handOn: ReadonlyArray<{ chatbotId: string; kind: string; limit: number }>,
  claim?: { ms: number; check: string },
): { sql: string; params: unknown[] } {
  if (ends.length > MAX_ENDS) throw new Error(`At most ${MAX_ENDS} ends per statement`);
  const rows = ends.map(({ id, outcome }) => ({
    id,
    owner,
    status: outcome.status,
    retry_ms: outcome.status === 'pending' ? outcome.retryInMs : null,
    error: outcome.status === 'done' ? null : outcome.error,
  }));
  const params: unknown[] = [JSON.stringify(rows)];
  const param = (value: unknown) => `$${params.push(value)}`;
  const steps = [
    `f AS (
        UPDATE outbox o SET status = e.status, locked_by = NULL, locked_until = NULL, last_error = e.error,
               done_at = CASE WHEN e.status = 'pending' THEN NULL ELSE now() END,
               payload = CASE WHEN e.status = 'done' THEN '{}'::jsonb ELSE o.payload END,
               next_attempt_at = CASE WHEN e.retry_ms IS NULL THEN o.next_attempt_at
                                      ELSE now() + make_interval(secs => e.retry_ms / 1000) END
          FROM batch_rows($1::jsonb) AS b(item),
               jsonb_to_record(b.item) AS e(id char(26), owner text, status text, retry_ms float8, error text)
         WHERE o.id = e.id AND o.locked_by = e.owner
        RETURNING o.id)`,
  ];
  const records = deliveredRows(ends, newId);
  // A batch that fails messages has a text of its own, which tells the events receiver;
  // batches of sends keep theirs (no rows returned, no step more).
  const told = ends.some((e) => e.record?.status === 'failed');
  if (records.length > 0)
    steps.push(
      `r AS (${messagesDeliveredSql(param(JSON.stringify(records)), 'd.end_id IN (SELECT id FROM f)', told)})`,
    );
  if (told) steps.push(`t AS (${failedStatusEventsSql('r')})`);
  const [by, ended] = handOn.length ? [param(owner), param(ends.map((e) => e.id))] : ['', ''];
  handOn.forEach((cap, n) =>
    steps.push(
      `c${n} AS (${claimSql({
        owner: by,
        claimMs: param(claim?.ms ?? 0),
        limit: param(cap.limit),
        only: {
          chatbotId: param(cap.chatbotId),
          kind: param(cap.kind),
          except: `${ended}::bpchar[]`,
        },
        check: claim?.check ?? 'NULL::boolean',
      })})`,
    ),
  );
  const claimed = handOn.map((_, n) => `SELECT * FROM c${n}`).join(' UNION ALL ');
  return { sql: `WITH ${steps.join(', ')} ${claimed || 'SELECT 1'}`, params };
}

/**
 * Claims through `outbox_claim` (migration 1765001100000: the query, and why it is a function)
 * up to `limit` due rows for `owner` until `claimMs` from now, leaving the `chatbot kind` pairs
 * in `skip`, or taking only rows of `only`'s chatbot and kind, ended rows excepted; each with
 * `check`, an expression over the claimed row `o`, as `claim_check`.
 */
function claimSql(p: {
  owner: string;
  claimMs: string;
  limit: string;
  skip?: string;
  only?: { chatbotId: string; kind: string; except: string };
  check: string;
}): string {
  const args = [p.owner, `${p.claimMs}::float8`, `${p.limit}::int`, p.skip ?? "'{}'"];
  args.push(
    ...(p.only ? [p.only.chatbotId, p.only.kind, p.only.except] : ['NULL', 'NULL', "'{}'"]),
  );
  return `SELECT o.id, o.kind, o.chatbot_id, o.conversation_id, o.ordering_key, o.payload, o.attempts,
                 ${p.check} AS claim_check
            FROM outbox_claim(${args.join(', ')}) o`;
}

/** The most ends one statement writes (finishMany; more wait for the next, a moment later). */
export const MAX_ENDS = 16;

function deliveryOf(r: ClaimedRow): OutboxDelivery {
  return {
    id: r.id,
    kind: r.kind,
    chatbotId: r.chatbot_id,
    conversationId: r.conversation_id,
    orderingKey: r.ordering_key,
    payload: r.payload,
    attempt: r.attempts,
    ...(r.claim_check === null ? {} : { claimCheck: r.claim_check }),
  };
}
