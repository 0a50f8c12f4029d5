import { Injectable } from '@nestjs/common';
import type { ClaimOutcome } from '../database/claim-worker';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type SqlStep, sqlRows } from '../database/sql';
import type { OutboxEntry } from './outbox-entry';
import type { OutboxDelivery } from './outbox-handler';
import { enqueueOutboxSql, outboxEntriesJson } from './outbox-sql';

interface ClaimedRow {
  id: string;
  kind: string;
  chatbot_id: string;
  conversation_id: string | null;
  payload: unknown;
  attempts: number;
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
   */
  async claim(
    owner: string,
    limit: number,
    claimMs: number,
    skip: string[],
  ): Promise<OutboxDelivery[]> {
    const rows = await sqlRows<ClaimedRow>(
      this.db,
      `UPDATE outbox SET locked_by = $1, locked_until = now() + make_interval(secs => $2::float8 / 1000),
                         attempts = attempts + 1
        WHERE id IN (SELECT o.id FROM outbox o
                      WHERE o.status = 'pending' AND o.next_attempt_at <= now()
                        AND (o.locked_until IS NULL OR o.locked_until < now())
                        AND NOT ((o.chatbot_id || ' ' || o.kind) = ANY($4::text[]))
                        AND NOT EXISTS (SELECT 1 FROM outbox p
                                         WHERE p.ordering_key = o.ordering_key AND p.status = 'pending'
                                           AND (p.created_at, p.id) < (o.created_at, o.id))
                      ORDER BY o.next_attempt_at
                      LIMIT $3
                      FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, chatbot_id, conversation_id, payload, attempts`,
      [owner, claimMs, limit, skip],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      chatbotId: r.chatbot_id,
      conversationId: r.conversation_id,
      payload: r.payload,
      attempt: r.attempts,
    }));
  }

  /**
   * Ends an attempt: done, failed for good, or pending again after `retryInMs`; `record` is
   * written in the same statement, only if `owner` still held the claim.
   */
  async finish(id: string, owner: string, outcome: ClaimOutcome, record?: SqlStep): Promise<void> {
    const params: unknown[] = [
      id,
      owner,
      outcome.status,
      outcome.status === 'done' ? null : outcome.error,
      outcome.status === 'pending' ? outcome.retryInMs : null,
    ];
    const finish = `UPDATE outbox SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
              done_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
              next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                     ELSE now() + make_interval(secs => $5::float8 / 1000) END
        WHERE id = $1 AND locked_by = $2`;
    if (!record) {
      await sqlRows(this.db, finish, params);
      return;
    }
    const param = (value: unknown) => `$${params.push(value)}`;
    const step = record(param, 'EXISTS (SELECT 1 FROM finished)');
    await sqlRows(
      this.db,
      `WITH finished AS (${finish} RETURNING id), recorded AS (${step}) SELECT 1`,
      params,
    );
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
