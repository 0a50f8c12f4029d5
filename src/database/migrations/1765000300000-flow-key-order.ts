import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flow definitions kept as the author wrote them: `json` keeps key order, where `jsonb`
 * re-sorted keys (shorter names first), so a flow read back in the playground or the API had
 * its states and fields shuffled. Nothing queries inside definitions, so nothing is lost.
 */
export class FlowKeyOrder1765000300000 implements MigrationInterface {
  name = 'FlowKeyOrder1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows ALTER COLUMN definition TYPE json USING definition::json`);
    await q.query(
      `ALTER TABLE flow_versions ALTER COLUMN definition TYPE json USING definition::json`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flows ALTER COLUMN definition TYPE jsonb USING definition::jsonb`);
    await q.query(
      `ALTER TABLE flow_versions ALTER COLUMN definition TYPE jsonb USING definition::jsonb`,
    );
  }
}
