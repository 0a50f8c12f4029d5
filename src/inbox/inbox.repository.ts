import { Injectable } from '@nestjs/common';
import type { ClaimOutcome } from '../database/claim-worker';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '../common/new-id';
import { sqlRows } from '../database/sql';
import type { InboxEvent, NewInboxEvent } from './inbox-event';
import type { LeaseGate } from '../conversation/conversation.repository';

interface ClaimedRow {
  id: string;
  integration_id: string;
  chatbot_id: string;
  channel: string;
  kind: string;
  session_key: string | null;
  payload: unknown;
  attempts: number;
}

/** Every statement on the `inbox_events` table. */
@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores an event once; false when the same provider event was stored before. */
  async store(e: NewInboxEvent): Promise<boolean> {
    return (await this.insert(e, null, 0)) !== null;
  }

  /** Events stored and not yet processed, per channel (the inbox depth metric). */
  async depth(): Promise<Array<{ channel: string; pending: number }>> {
    return sqlRows(
      this.db,
      `SELECT channel, count(*)::int AS pending FROM inbox_events WHERE status = 'pending' GROUP BY channel`,
    );
  }

  /**
   * Stores an event claimed at once by `owner` for `claimMs` (its first attempt), to be
   * processed by this instance now; not claimed when an earlier event of its session key is
   * still pending (order first: the processor takes it after that one). Null for a duplicate.
   */
  async storeClaimed(
    e: NewInboxEvent,
    owner: string,
    claimMs: number,
  ): Promise<{ id: string; claimed: boolean } | null> {
    return this.insert(e, owner, claimMs);
  }

  /**
   * storeClaimed as a gate of another module's statement (TurnService.leaseAhead): one row
   * whose `go` is the `claimed` flag, none for a duplicate. Its keys: the event's session key
   * (stored in order one at a time) and its provider id (stored once).
   */
  storeClaimedGate(
    e: NewInboxEvent,
    owner: string,
    claimMs: number,
  ): { id: string; gate: LeaseGate } {
    const id = newId();
    return {
      id,
      gate: {
        kind: 'inbox_store',
        values: storeValues(id, e, owner, claimMs),
        query: (value) => `SELECT claimed AS go FROM ${storeCall(value)}`,
        keys: [
          `inbox session ${e.integrationId} ${e.sessionKey ?? id}`,
          `inbox event ${e.integrationId} ${e.providerMessageId}`,
        ],
      },
    };
  }

  /** One statement: the `inbox_store` function keeps each session key's events in order. */
  private async insert(e: NewInboxEvent, owner: string | null, claimMs: number) {
    const id = newId();
    const values = storeValues(id, e, owner, claimMs);
    const params: unknown[] = [];
    const call = storeCall(
      (name) =>
        `$${params.push(name === 'payload' ? JSON.stringify(values.payload) : values[name])}`,
    );
    const rows = await sqlRows<{ claimed: boolean }>(
      this.db,
      `SELECT claimed FROM ${call}`,
      params,
    );
    return rows.length > 0 ? { id, claimed: rows[0].claimed } : null;
  }

  /**
   * Claims up to `limit` due events: for a session key only its oldest pending event (by
   * arrival, `seq`), so one key is processed one event at a time in arrival order, on any
   * number of instances; events without a key never wait behind others.
   */
  async claim(owner: string, limit: number, claimMs: number): Promise<InboxEvent[]> {
    const rows = await sqlRows<ClaimedRow>(
      this.db,
      `UPDATE inbox_events SET locked_by = $1, locked_until = now() + make_interval(secs => $2::float8 / 1000),
                               attempts = attempts + 1
        WHERE id IN (SELECT e.id FROM inbox_events e
                      WHERE e.status = 'pending' AND e.next_attempt_at <= now()
                        AND (e.locked_until IS NULL OR e.locked_until < now())
                        AND (e.session_key IS NULL OR NOT EXISTS (
                              SELECT 1 FROM inbox_events p
                               WHERE p.integration_id = e.integration_id AND p.session_key = e.session_key
                                 AND p.status = 'pending' AND p.seq < e.seq))
                      ORDER BY e.seq
                      LIMIT $3
                      FOR UPDATE SKIP LOCKED)
       RETURNING id, integration_id, chatbot_id, channel, kind, session_key, payload, attempts`,
      [owner, claimMs, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      integrationId: r.integration_id,
      chatbotId: r.chatbot_id,
      channel: r.channel,
      kind: r.kind,
      sessionKey: r.session_key,
      payload: r.payload,
      attempt: r.attempts,
    }));
  }

  /**
   * Ends an attempt, unless the event was already marked done (by its turn's commit) or
   * the claim was lost: done, failed with the reason, or pending again after `retryInMs`.
   */
  async finish(id: string, owner: string, outcome: ClaimOutcome): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE inbox_events SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
              processed_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
              next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                     ELSE now() + make_interval(secs => $5::float8 / 1000) END
        WHERE id = $1 AND locked_by = $2 AND status = 'pending'`,
      [
        id,
        owner,
        outcome.status,
        outcome.status === 'done' ? null : outcome.error,
        outcome.status === 'pending' ? outcome.retryInMs : null,
      ],
    );
  }

  /** Removes a pending event still claimed by `owner` (see InboxService.withdrawInline). */
  async withdraw(id: string, owner: string): Promise<void> {
    await sqlRows(
      this.db,
      `DELETE FROM inbox_events WHERE id = $1 AND locked_by = $2 AND status = 'pending'`,
      [id, owner],
    );
  }

  /** Gives claims back without counting the attempt (shutdown). */
  async release(ids: string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await sqlRows(
      this.db,
      `UPDATE inbox_events SET locked_by = NULL, locked_until = NULL, attempts = greatest(attempts - 1, 0)
        WHERE id = ANY($1::bpchar[]) AND locked_by = $2`,
      [ids, owner],
    );
  }
}

/** inbox_store's arguments, by name (the payload as JSON, not a string of it). */
function storeValues(id: string, e: NewInboxEvent, owner: string | null, claimMs: number) {
  return {
    id,
    integration_id: e.integrationId,
    chatbot_id: e.chatbotId,
    channel: e.channel,
    provider_message_id: e.providerMessageId,
    kind: e.kind,
    session_key: e.sessionKey,
    payload: e.payload,
    owner,
    claim_ms: claimMs,
  };
}

/** The `inbox_store` call, each of storeValues' arguments written as `arg(name)`. */
const storeCall = (arg: (name: keyof ReturnType<typeof storeValues>) => string) =>
  `inbox_store(${arg('id')}, ${arg('integration_id')}, ${arg('chatbot_id')}, ${arg('channel')},
               ${arg('provider_message_id')}, ${arg('kind')}, ${arg('session_key')}, ${arg('payload')}::jsonb,
               ${arg('owner')}, ${arg('claim_ms')}::float8)`;
