import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message that finds its session's lease taken gets a place in line at arrival: a row
 * here, numbered by one sequence for the whole database, so every instance agrees on the
 * order. The lease goes to the earliest live waiter. A waiter's row expires on its own when
 * its instance dies, and goes with its conversation.
 */
export class TurnWaiters1764000400000 implements MigrationInterface {
  name = 'TurnWaiters1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE turn_waiters (
        id bigserial PRIMARY KEY,
        conversation_id char(26) NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      )`,
    );
    await q.query(
      `CREATE INDEX turn_waiters_conversation_idx ON turn_waiters (conversation_id, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE turn_waiters`);
  }
}
