import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The web channel and the playground: widget sessions (a visitor's token, stored hashed),
 * who wrote an outbound message (`responder`: null is the bot, `HUMAN` a person, with the
 * agent), and preview runs of a draft (a snapshot kept as a version marked `preview`, outside
 * the version numbering, and conversations marked `preview`, left out of stats and lists).
 */
export class Web1765000000000 implements MigrationInterface {
  name = 'Web1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE web_sessions (
        conversation_id char(26) PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        integration_id char(26) NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        visitor_id text NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX web_sessions_integration_idx ON web_sessions (integration_id)`);
    await q.query(`ALTER TABLE messages ADD COLUMN responder text, ADD COLUMN agent jsonb`);
    await q.query(
      `CREATE INDEX messages_pushed_idx ON messages (conversation_id, seq) WHERE responder IS NOT NULL`,
    );
    await q.query(`ALTER TABLE conversations ADD COLUMN preview boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE flow_versions ADD COLUMN preview boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE flow_versions DROP CONSTRAINT flow_versions_flow_version_uq`);
    await q.query(
      `CREATE UNIQUE INDEX flow_versions_flow_version_uq ON flow_versions (flow_id, version) WHERE NOT preview`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM flow_versions WHERE preview`);
    await q.query(`DROP INDEX flow_versions_flow_version_uq`);
    await q.query(
      `ALTER TABLE flow_versions ADD CONSTRAINT flow_versions_flow_version_uq UNIQUE (flow_id, version)`,
    );
    await q.query(`ALTER TABLE flow_versions DROP COLUMN preview`);
    await q.query(`ALTER TABLE conversations DROP COLUMN preview`);
    await q.query(`DROP INDEX messages_pushed_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN responder, DROP COLUMN agent`);
    await q.query(`DROP TABLE web_sessions`);
  }
}
