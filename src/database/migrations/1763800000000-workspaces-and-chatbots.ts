import { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkspacesAndChatbots1763800000000 implements MigrationInterface {
  name = 'WorkspacesAndChatbots1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workspaces (
        id char(26) PRIMARY KEY,
        name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id char(26) PRIMARY KEY,
        workspace_id char(26) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id)`);
    await q.query(`
      CREATE TABLE chatbots (
        id char(26) PRIMARY KEY,
        workspace_id char(26) NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chatbots_workspace_name_uq UNIQUE (workspace_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE chatbots`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE workspaces`);
  }
}
