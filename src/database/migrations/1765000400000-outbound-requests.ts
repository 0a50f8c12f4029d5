import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound (business-initiated) messages by `Idempotency-Key`: the first request's answer,
 * returned again for the same key within 24 hours instead of sending twice.
 */
export class OutboundRequests1765000400000 implements MigrationInterface {
  name = 'OutboundRequests1765000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbound_requests (
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chatbot_id, idempotency_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbound_requests`);
  }
}
