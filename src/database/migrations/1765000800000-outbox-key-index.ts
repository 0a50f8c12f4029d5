import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index that finds the oldest waiting row of an ordering key, with a predicate of its own
 * (see waitingForKey in src/outbox/outbox-sql.ts). With the same predicate as outbox_due_idx
 * (`status = 'pending'`), PostgreSQL could choose either for the per-key lookup, and once
 * statistics said few rows wait (the usual state), it read the whole due index for every row
 * a claim looked at: quadratic in a burst's backlog.
 */
export class OutboxKeyIndex1765000800000 implements MigrationInterface {
  name = 'OutboxKeyIndex1765000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_ordering_idx`);
    await q.query(
      `CREATE INDEX outbox_ordering_idx ON outbox (ordering_key, created_at, id)
        WHERE status NOT IN ('done', 'failed')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_ordering_idx`);
    await q.query(
      `CREATE INDEX outbox_ordering_idx ON outbox (ordering_key, created_at, id) WHERE status = 'pending'`,
    );
  }
}
