import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AGENT_ACTIVE (a person answers on the conversation) is an open status too: one open
 * conversation per channel session key counts it. Conversations with people are indexed for
 * the idle-handoff sweep.
 */
export class AgentActive1765000100000 implements MigrationInterface {
  name = 'AgentActive1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversations_open_key_uq`);
    await q.query(
      `CREATE UNIQUE INDEX conversations_open_key_uq ON conversations (chatbot_id, channel, session_key)
        WHERE session_key IS NOT NULL AND status IN ('ACTIVE', 'HANDOFF_PENDING', 'AGENT_ACTIVE')`,
    );
    // The idle-handoff sweep reads only conversations with people.
    await q.query(
      `CREATE INDEX conversations_handed_off_idx ON conversations (updated_at)
        WHERE status IN ('HANDOFF_PENDING', 'AGENT_ACTIVE')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversations_handed_off_idx`);
    await q.query(
      `UPDATE conversations SET status = 'HANDOFF_PENDING' WHERE status = 'AGENT_ACTIVE'`,
    );
    await q.query(`DROP INDEX conversations_open_key_uq`);
    await q.query(
      `CREATE UNIQUE INDEX conversations_open_key_uq ON conversations (chatbot_id, channel, session_key)
        WHERE session_key IS NOT NULL AND status IN ('ACTIVE', 'HANDOFF_PENDING')`,
    );
  }
}
