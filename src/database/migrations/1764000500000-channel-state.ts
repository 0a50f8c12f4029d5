import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a channel keeps with a session beside the flow's own state: the options last shown
 * (so a typed `1` means the first of them) and, on USSD, the screens of the last reply and
 * the one shown. Read with the lease, written with the turn.
 */
export class ChannelState1764000500000 implements MigrationInterface {
  name = 'ChannelState1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN channel_state jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP COLUMN channel_state`);
  }
}
