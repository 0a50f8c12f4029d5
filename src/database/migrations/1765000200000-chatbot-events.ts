import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chatbot's events receiver (a helpdesk): where conversation events are POSTed, and the
 * secret that signs them, sealed like integration secrets (with its key id, for rotation).
 */
export class ChatbotEvents1765000200000 implements MigrationInterface {
  name = 'ChatbotEvents1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE chatbots ADD COLUMN events_url text, ADD COLUMN events_secret text,
                            ADD COLUMN events_key_id text`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE chatbots DROP COLUMN events_url, DROP COLUMN events_secret, DROP COLUMN events_key_id`,
    );
  }
}
