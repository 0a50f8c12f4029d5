import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox: provider events (WhatsApp, SMS, USSD webhooks) stored before the webhook
 * answers, unique per integration and provider message id, processed afterwards in arrival
 * order (`seq`) per session key.
 */
export class Inbox1764000200000 implements MigrationInterface {
  name = 'Inbox1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbox_events (
        id char(26) PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        integration_id char(26) NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        channel text NOT NULL,
        provider_message_id text NOT NULL,
        kind text NOT NULL,
        session_key text,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        locked_by text,
        locked_until timestamptz,
        last_error text,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT inbox_events_provider_uq UNIQUE (integration_id, provider_message_id)
      )`);
    await q.query(
      `CREATE INDEX inbox_events_pending_idx ON inbox_events (session_key, seq) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox_events`);
  }
}
