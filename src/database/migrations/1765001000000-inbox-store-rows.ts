import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `inbox_store` is declared to return one row (it returns one, or none for a duplicate), so
 * that a statement calling it for each item of a batch (leaseAheadSql) is planned as one row
 * per item, and the conversations it joins are probed by key: PostgreSQL assumes 1,000 rows
 * of a function otherwise.
 */
export class InboxStoreRows1765001000000 implements MigrationInterface {
  name = 'InboxStoreRows1765001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION inbox_store ROWS 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION inbox_store ROWS 1000`);
  }
}
