import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WhatsApp: an integration's channel address (the phone number id its webhooks are routed
 * by, unique per workspace) and its health (`auth_failed` after Meta refuses the token);
 * the reaction a user put on an outbound message.
 */
export class WhatsApp1764000800000 implements MigrationInterface {
  name = 'WhatsApp1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integrations ADD COLUMN address text, ADD COLUMN health jsonb`);
    await q.query(
      `CREATE INDEX integrations_address_idx ON integrations (type, address) WHERE address IS NOT NULL`,
    );
    await q.query(`ALTER TABLE messages ADD COLUMN reaction text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN reaction`);
    await q.query(`DROP INDEX integrations_address_idx`);
    await q.query(`ALTER TABLE integrations DROP COLUMN address, DROP COLUMN health`);
  }
}
