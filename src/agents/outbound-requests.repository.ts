import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql';

/** What a key already holds: an answer to give again, or a request still running. */
export type KeyClaim =
  | { kind: 'claimed' }
  | { kind: 'answered'; requestHash: string; response: unknown }
  | { kind: 'running'; requestHash: string };

/** How long an Idempotency-Key holds its answer; older rows are deleted by the retention sweep. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * How long a running request holds its key without renewing the claim, and how often it
 * renews it. A request's work has no bound of its own (it waits up to TURN_WAIT_MS for the
 * session, then its state's API calls take what they take), so a live request renews its
 * claim, three times per claim, and a request whose process died frees the key for a retry
 * within OUTBOUND_CLAIM_MS.
 */
export const OUTBOUND_CLAIM_MS = 15_000;
export const OUTBOUND_RENEW_EVERY_MS = 5_000;

/** The key's row (in an upsert's conflict) is older than its window. */
const PAST_WINDOW = `outbound_requests.created_at < now() - interval '${IDEMPOTENCY_WINDOW_HOURS} hours'`;

/**
 * The `outbound_requests` table: outbound messages by Idempotency-Key, for 24 hours. A running
 * request holds its key under a claim (`owner`, until `locked_until`); its turn's commit
 * writes the answer (outbound-requests-sql.ts).
 */
@Injectable()
export class OutboundRequestsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Takes the key for `owner`, or says what holds it. A key older than 24 h is free again; so
   * is one whose request, the same as this one, stopped renewing its claim (its process died):
   * its turn never committed, or it would be answered, so running it again sends nothing twice.
   */
  async claim(
    chatbotId: string,
    key: string,
    requestHash: string,
    owner: string,
  ): Promise<KeyClaim> {
    const taken = await sqlRows<{ taken: boolean }>(
      this.db,
      `INSERT INTO outbound_requests (chatbot_id, idempotency_key, request_hash, owner, locked_until)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000))
       ON CONFLICT (chatbot_id, idempotency_key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, response = NULL, owner = EXCLUDED.owner,
              locked_until = EXCLUDED.locked_until,
              created_at = CASE WHEN ${PAST_WINDOW} THEN now() ELSE outbound_requests.created_at END
        WHERE ${PAST_WINDOW}
           OR (outbound_requests.response IS NULL AND outbound_requests.request_hash = EXCLUDED.request_hash
               AND (outbound_requests.locked_until IS NULL OR outbound_requests.locked_until < now()))
       RETURNING true AS taken`,
      [chatbotId, key, requestHash, owner, OUTBOUND_CLAIM_MS],
    );
    if (taken.length) return { kind: 'claimed' };
    const [held] = await sqlRows<{ request_hash: string; response: unknown }>(
      this.db,
      `SELECT request_hash, response FROM outbound_requests WHERE chatbot_id = $1 AND idempotency_key = $2`,
      [chatbotId, key],
    );
    if (!held) return this.claim(chatbotId, key, requestHash, owner);
    return held.response === null
      ? { kind: 'running', requestHash: held.request_hash }
      : { kind: 'answered', requestHash: held.request_hash, response: held.response };
  }

  /** Extends `owner`'s claim on a key it still holds unanswered; false when it does not. */
  async renew(chatbotId: string, key: string, owner: string): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      `UPDATE outbound_requests SET locked_until = now() + make_interval(secs => $4::float8 / 1000)
        WHERE chatbot_id = $1 AND idempotency_key = $2 AND owner = $3 AND response IS NULL
       RETURNING 1`,
      [chatbotId, key, owner, OUTBOUND_CLAIM_MS],
    );
    return rows.length > 0;
  }

  /**
   * Frees the key of `owner`'s request, which sent nothing, so the client may try again with
   * it (a key another request took over meanwhile stays that one's).
   */
  async forget(chatbotId: string, key: string, owner: string): Promise<void> {
    await sqlRows(
      this.db,
      `DELETE FROM outbound_requests
        WHERE chatbot_id = $1 AND idempotency_key = $2 AND owner = $3 AND response IS NULL`,
      [chatbotId, key, owner],
    );
  }
}
