import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel sessions found by key (WhatsApp, SMS, USSD, web): the key is the user, or the
 * gateway's session id for USSD. At most one open conversation per chatbot, channel and key,
 * so two first messages arriving together on two instances open one session.
 */
export class ConversationKeys1764000300000 implements MigrationInterface {
  name = 'ConversationKeys1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN session_key text`);
    await q.query(
      `CREATE UNIQUE INDEX conversations_open_key_uq ON conversations (chatbot_id, channel, session_key)
        WHERE session_key IS NOT NULL AND status IN ('ACTIVE', 'HANDOFF_PENDING')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversations_open_key_uq`);
    await q.query(`ALTER TABLE conversations DROP COLUMN session_key`);
  }
}
