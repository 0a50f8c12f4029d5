import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integrations (secrets encrypted, in their own column), the durable outbox of background
 * deliveries (fire-and-forget API calls, channel sends), and per-turn engine traces.
 */
export class IntegrationsOutboxTraces1763800300000 implements MigrationInterface {
  name = 'IntegrationsOutboxTraces1763800300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integrations (
        id char(26) PRIMARY KEY,
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        type text NOT NULL,
        name text NOT NULL,
        config jsonb NOT NULL,
        secrets text,
        key_id text,
        webhook_token text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT integrations_chatbot_name_uq UNIQUE (chatbot_id, name)
      )`);
    await q.query(`
      CREATE TABLE outbox (
        id char(26) PRIMARY KEY,
        kind text NOT NULL,
        chatbot_id char(26) NOT NULL,
        conversation_id char(26),
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_by text,
        locked_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`
      CREATE TABLE conversation_traces (
        id char(26) PRIMARY KEY,
        conversation_id char(26) NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        events jsonb NOT NULL,
        duration_ms real NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX conversation_traces_conversation_idx ON conversation_traces (conversation_id, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conversation_traces`);
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE integrations`);
  }
}
