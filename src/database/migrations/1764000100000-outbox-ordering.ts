import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox rows get an ordering key: rows with one key are delivered one at a time, in order. */
export class OutboxOrdering1764000100000 implements MigrationInterface {
  name = 'OutboxOrdering1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN ordering_key text`);
    await q.query(`UPDATE outbox SET ordering_key = id`);
    await q.query(`ALTER TABLE outbox ALTER COLUMN ordering_key SET NOT NULL`);
    await q.query(
      `CREATE INDEX outbox_ordering_idx ON outbox (ordering_key, created_at, id) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_ordering_idx`);
    await q.query(`ALTER TABLE outbox DROP COLUMN ordering_key`);
  }
}
