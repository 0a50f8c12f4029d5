import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A conversation's flow version is a foreign key that empties when the version goes (its flow
 * deleted, or a preview's snapshot dropped): the next message then finds no flow and the
 * conversation is closed (`flow_gone`, 410 on the Chat API). Versions are cached compiled per
 * instance and never change, so without this a conversation pinned to a deleted flow's
 * version went on running it from the cache. Rows already pointing at a missing version are
 * emptied first; the index serves the emptying when versions are deleted.
 */
export class ConversationFlowVersion1765001200000 implements MigrationInterface {
  name = 'ConversationFlowVersion1765001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE conversations c SET flow_version_id = NULL
        WHERE flow_version_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM flow_versions v WHERE v.id = c.flow_version_id)`,
    );
    await q.query(
      `CREATE INDEX conversations_flow_version_idx ON conversations (flow_version_id)
        WHERE flow_version_id IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE conversations ADD CONSTRAINT conversations_flow_version_fk
         FOREIGN KEY (flow_version_id) REFERENCES flow_versions (id) ON DELETE SET NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP CONSTRAINT conversations_flow_version_fk`);
    await q.query(`DROP INDEX conversations_flow_version_idx`);
  }
}
