import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chatbot's trace level (docs/retention.md › trace level): which of its turns write a
 * trace. `full` (every turn, as before), `errors` (only turns that went wrong) or `off`. A
 * column with a constant default is added without rewriting the table.
 */
export class TraceLevel1765000700000 implements MigrationInterface {
  name = 'TraceLevel1765000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE chatbots ADD COLUMN trace_level text NOT NULL DEFAULT 'full'
         CONSTRAINT chatbots_trace_level_check CHECK (trace_level IN ('full', 'errors', 'off'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE chatbots DROP COLUMN trace_level`);
  }
}
