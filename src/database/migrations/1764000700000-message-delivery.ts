import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery of outbound messages on channels that send (SMS, WhatsApp): the provider's error
 * when one failed, the SMS parts it took, and an index to find the messages a delivery report
 * names by the provider's id. `delivery_status` and `provider_message_id` exist since the
 * first migration.
 */
export class MessageDelivery1764000700000 implements MigrationInterface {
  name = 'MessageDelivery1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE messages ADD COLUMN delivery_error jsonb, ADD COLUMN segments integer`,
    );
    await q.query(
      `CREATE INDEX messages_provider_id_idx ON messages (provider_message_id)
        WHERE provider_message_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_provider_id_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN delivery_error, DROP COLUMN segments`);
  }
}
