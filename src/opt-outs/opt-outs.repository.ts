import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '../common/new-id';
import { sqlRows } from '../database/sql';

/** How a number came onto the list. */
export type OptOutSource = 'keyword' | 'api' | 'provider';

export interface OptOutRow {
  id: string;
  chatbot_id: string;
  channel: string;
  user_id: string;
  source: OptOutSource;
  created_at: Date;
}

/** The `opt_outs` table: the numbers nothing may be sent to, per chatbot and channel. */
@Injectable()
export class OptOutsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Puts a number on the list; the existing row when it is already there. */
  async add(chatbotId: string, channel: string, userId: string, source: OptOutSource) {
    const [row] = await sqlRows<OptOutRow & { added: boolean }>(
      this.db,
      `WITH added AS (
         INSERT INTO opt_outs (id, chatbot_id, channel, user_id, source)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (chatbot_id, channel, user_id) DO NOTHING
         RETURNING *
       )
       SELECT *, true AS added FROM added
       UNION ALL
       SELECT *, false AS added FROM opt_outs
        WHERE chatbot_id = $2 AND channel = $3 AND user_id = $4 AND NOT EXISTS (SELECT 1 FROM added)`,
      [newId(), chatbotId, channel, userId, source],
    );
    return row;
  }

  /** Takes a number off the list (START); false when it was not on it. */
  async removeUser(chatbotId: string, channel: string, userId: string): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      'DELETE FROM opt_outs WHERE chatbot_id = $1 AND channel = $2 AND user_id = $3 RETURNING id',
      [chatbotId, channel, userId],
    );
    return rows.length > 0;
  }

  async remove(chatbotId: string, id: string): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      'DELETE FROM opt_outs WHERE chatbot_id = $1 AND id = $2 RETURNING id',
      [chatbotId, id],
    );
    return rows.length > 0;
  }

  async isOptedOut(chatbotId: string, channel: string, userId: string): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      'SELECT 1 FROM opt_outs WHERE chatbot_id = $1 AND channel = $2 AND user_id = $3',
      [chatbotId, channel, userId],
    );
    return rows.length > 0;
  }

  async page(chatbotId: string, limit: number, after: string | null) {
    const [rows, total] = await Promise.all([
      sqlRows<OptOutRow>(
        this.db,
        `SELECT * FROM opt_outs WHERE chatbot_id = $1 AND ($2::text IS NULL OR id > $2)
          ORDER BY id LIMIT $3`,
        [chatbotId, after, limit],
      ),
      sqlRows<{ n: string }>(this.db, 'SELECT count(*) AS n FROM opt_outs WHERE chatbot_id = $1', [
        chatbotId,
      ]),
    ]);
    return { rows, total: Number(total[0].n) };
  }
}
