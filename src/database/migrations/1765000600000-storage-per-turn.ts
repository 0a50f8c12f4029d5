import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Less stored and written per turn (docs/scaling.md › storage per turn):
 * - traces are kept as `json` text in the compact form of trace-codec.ts (a turn's trace
 *   goes from about 800 to about 300 bytes; older rows keep their form and read alike);
 * - traces are found by conversation through an index on `conversation_id` alone, which
 *   PostgreSQL deduplicates (a turn adds a 6-byte entry to a posting list instead of a
 *   60-byte entry); a page of a conversation's traces sorts that conversation's rows, which
 *   counting them for the page's total read already;
 * - a turn's conversation update becomes a HOT update (no new index entries): the
 *   handed-off index no longer names `updated_at`, which every turn changes, and pages keep
 *   room for the new row version (fillfactor 80);
 * - the queue tables are analysed and vacuumed after a small share of their rows change
 *   (the defaults wait for 10–20 %), so the planner knows of a backlog when it arrives and
 *   claims stay index scans (docs/scaling.md).
 */
const QUEUES = ['outbox', 'inbox_events'];
const QUEUE_AUTOVACUUM =
  'autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.02';

export class StoragePerTurn1765000600000 implements MigrationInterface {
  name = 'StoragePerTurn1765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE conversation_traces ALTER COLUMN events TYPE json USING events::json`,
    );
    await q.query(`DROP INDEX conversation_traces_conversation_idx`);
    await q.query(
      `CREATE INDEX conversation_traces_conversation_idx ON conversation_traces (conversation_id)`,
    );
    await q.query(`DROP INDEX conversations_handed_off_idx`);
    await q.query(
      `CREATE INDEX conversations_handed_off_idx ON conversations (status)
        WHERE status IN ('HANDOFF_PENDING', 'AGENT_ACTIVE')`,
    );
    await q.query(`ALTER TABLE conversations SET (fillfactor = 80)`);
    for (const table of QUEUES) await q.query(`ALTER TABLE ${table} SET (${QUEUE_AUTOVACUUM})`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of QUEUES) {
      await q.query(
        `ALTER TABLE ${table} RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor)`,
      );
    }
    await q.query(`ALTER TABLE conversations RESET (fillfactor)`);
    await q.query(`DROP INDEX conversations_handed_off_idx`);
    await q.query(
      `CREATE INDEX conversations_handed_off_idx ON conversations (updated_at)
        WHERE status IN ('HANDOFF_PENDING', 'AGENT_ACTIVE')`,
    );
    await q.query(`DROP INDEX conversation_traces_conversation_idx`);
    await q.query(
      `CREATE INDEX conversation_traces_conversation_idx ON conversation_traces (conversation_id, id)`,
    );
    await q.query(
      `ALTER TABLE conversation_traces ALTER COLUMN events TYPE jsonb USING events::jsonb`,
    );
  }
}
