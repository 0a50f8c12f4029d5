import { MigrationInterface, QueryRunner } from 'typeorm';

/** Conversations (one per flow session) with their lease, and their message history. */
export class Conversations1763800100000 implements MigrationInterface {
  name = 'Conversations1763800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE conversations (
        id char(26) PRIMARY KEY,
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        channel text NOT NULL,
        user_id text NOT NULL,
        contact_name text,
        status text NOT NULL,
        flow_version_id char(26),
        current_state text,
        session jsonb NOT NULL DEFAULT '{}'::jsonb,
        message_count integer NOT NULL DEFAULT 0,
        last_message_at timestamptz,
        last_message_preview text,
        expires_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX conversations_chatbot_idx ON conversations (chatbot_id, id)`);
    await q.query(
      `CREATE INDEX conversations_user_idx ON conversations (chatbot_id, channel, user_id, status)`,
    );
    await q.query(`
      CREATE TABLE messages (
        id char(26) PRIMARY KEY,
        conversation_id char(26) NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        direction text NOT NULL,
        message jsonb NOT NULL,
        state text,
        provider_message_id text,
        delivery_status text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_conversation_seq_uq UNIQUE (conversation_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE conversations`);
  }
}
