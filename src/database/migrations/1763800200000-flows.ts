import { MigrationInterface, QueryRunner } from 'typeorm';

/** Flows (editable drafts) and their immutable published versions. */
export class Flows1763800200000 implements MigrationInterface {
  name = 'Flows1763800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE flows (
        id char(26) PRIMARY KEY,
        chatbot_id char(26) NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('conversation', 'meta')),
        status text NOT NULL CHECK (status IN ('draft', 'published')),
        definition jsonb NOT NULL,
        published_version_id char(26),
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz
      )`);
    await q.query(`CREATE INDEX flows_chatbot_idx ON flows (chatbot_id, id)`);
    // One published conversation flow per chatbot.
    await q.query(
      `CREATE UNIQUE INDEX flows_one_published_conversation ON flows (chatbot_id)
        WHERE status = 'published' AND type = 'conversation'`,
    );
    await q.query(`
      CREATE TABLE flow_versions (
        id char(26) PRIMARY KEY,
        flow_id char(26) NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        chatbot_id char(26) NOT NULL,
        version integer NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        definition jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT flow_versions_flow_version_uq UNIQUE (flow_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE flow_versions`);
    await q.query(`DROP TABLE flows`);
  }
}
