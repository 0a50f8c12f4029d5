import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The numbers that said STOP (or were added through the API or by a provider's opt-out
 * callback), per chatbot and channel: nothing is sent to them until they say START.
 */
export class OptOuts1764000600000 implements MigrationInterface {
  name = 'OptOuts1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE opt_outs (
        id char(26) PRIMARY KEY,
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        channel text NOT NULL,
        user_id text NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT opt_outs_user_uq UNIQUE (chatbot_id, channel, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE opt_outs`);
  }
}
