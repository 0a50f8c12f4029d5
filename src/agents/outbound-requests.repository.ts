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

/** The `outbound_requests` table: outbound messages by Idempotency-Key, for 24 hours. */
@Injectable()
export class OutboundRequestsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Takes the key for this request, or says what holds it (a key older than 24 h is free again). */
  async claim(chatbotId: string, key: string, requestHash: string): Promise<KeyClaim> {
    const taken = await sqlRows<{ taken: boolean }>(
      this.db,
      `INSERT INTO outbound_requests (chatbot_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3)
       ON CONFLICT (chatbot_id, idempotency_key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, response = NULL, created_at = now()
        WHERE outbound_requests.created_at < now() - interval '${IDEMPOTENCY_WINDOW_HOURS} hours'
       RETURNING true AS taken`,
      [chatbotId, key, requestHash],
    );
    if (taken.length) return { kind: 'claimed' };
    const [held] = await sqlRows<{ request_hash: string; response: unknown }>(
      this.db,
      `SELECT request_hash, response FROM outbound_requests WHERE chatbot_id = $1 AND idempotency_key = $2`,
      [chatbotId, key],
    );
    if (!held) return this.claim(chatbotId, key, requestHash);
    return held.response === null
      ? { kind: 'running', requestHash: held.request_hash }
      : { kind: 'answered', requestHash: held.request_hash, response: held.response };
  }

  async answer(chatbotId: string, key: string, response: unknown): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE outbound_requests SET response = $3 WHERE chatbot_id = $1 AND idempotency_key = $2`,
      [chatbotId, key, JSON.stringify(response)],
    );
  }

  /** Frees the key of a request that sent nothing, so the client may try again with it. */
  async forget(chatbotId: string, key: string): Promise<void> {
    await sqlRows(
      this.db,
      `DELETE FROM outbound_requests WHERE chatbot_id = $1 AND idempotency_key = $2 AND response IS NULL`,
      [chatbotId, key],
    );
  }
}
