import { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbox events retried after a failed attempt wait until `next_attempt_at`. */
export class InboxRetries1764000210000 implements MigrationInterface {
  name = 'InboxRetries1764000210000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE inbox_events ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now()`,
    );
    await q.query(`DROP INDEX inbox_events_pending_idx`);
    await q.query(
      `CREATE INDEX inbox_events_pending_idx ON inbox_events (integration_id, session_key, seq) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbox_events_pending_idx`);
    await q.query(
      `CREATE INDEX inbox_events_pending_idx ON inbox_events (session_key, seq) WHERE status = 'pending'`,
    );
    await q.query(`ALTER TABLE inbox_events DROP COLUMN next_attempt_at`);
  }
}
