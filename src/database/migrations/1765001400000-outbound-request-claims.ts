import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key's running request holds the key under a claim of its own (`owner`, until
 * `locked_until`, renewed while it runs), instead of for the key's whole 24-hour window: a
 * request whose server died stopped renewing, and a retry takes the key over once the claim
 * has run out (OutboundRequestsRepository.claim). Requests left running when this migration
 * runs were started by a server that has stopped, and whether each one's message went out is
 * not known (before this, a turn's commit did not answer its key): they keep the old rule,
 * running until the window ends, rather than risk a second message.
 */
export class OutboundRequestClaims1765001400000 implements MigrationInterface {
  name = 'OutboundRequestClaims1765001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE outbound_requests ADD COLUMN owner text, ADD COLUMN locked_until timestamptz`,
    );
    await q.query(
      `UPDATE outbound_requests SET locked_until = created_at + interval '24 hours' WHERE response IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbound_requests DROP COLUMN owner, DROP COLUMN locked_until`);
  }
}
