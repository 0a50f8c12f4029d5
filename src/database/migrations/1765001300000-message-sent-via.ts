import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The integration a channel sent an outbound message through, written with its provider id.
 * A delivery report is read by the integration whose webhook received it, and provider ids
 * are unique only within one provider account: two SMS integrations of a chatbot (two
 * providers, or two sender ids) share the number's conversation (the SMS session key is the
 * number alone), so the conversation cannot tell whose message a report names; this column
 * does. Messages sent before it have none and are still found by their provider id alone.
 * No foreign key: a message keeps it after the integration is deleted.
 */
export class MessageSentVia1765001300000 implements MigrationInterface {
  name = 'MessageSentVia1765001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN sent_via char(26)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN sent_via`);
  }
}
