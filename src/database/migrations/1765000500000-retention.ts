import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md): a chatbot may keep its traces and its finished
 * conversations' messages for its own number of days (null: the server's default, 0: for
 * ever). Outbound idempotency rows are found by age for deletion; the other swept tables are
 * walked along their primary keys (ULIDs, in creation order), so they need no new index and
 * turns write no more index entries than before.
 */
export class Retention1765000500000 implements MigrationInterface {
  name = 'Retention1765000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE chatbots ADD COLUMN trace_retention_days double precision,
                            ADD COLUMN message_retention_days double precision`,
    );
    await q.query(`CREATE INDEX outbound_requests_created_idx ON outbound_requests (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbound_requests_created_idx`);
    await q.query(
      `ALTER TABLE chatbots DROP COLUMN trace_retention_days, DROP COLUMN message_retention_days`,
    );
  }
}
