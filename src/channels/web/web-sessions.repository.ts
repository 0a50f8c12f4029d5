import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../../database/sql';

export interface WebSessionRow {
  conversation_id: string;
  integration_id: string;
  visitor_id: string;
  token_hash: Buffer;
}

/** The `web_sessions` table: which widget opened a conversation, and its visitor's token hash. */
@Injectable()
export class WebSessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(row: WebSessionRow): Promise<void> {
    await sqlRows(
      this.db,
      `INSERT INTO web_sessions (conversation_id, integration_id, visitor_id, token_hash)
       VALUES ($1, $2, $3, $4)`,
      [row.conversation_id, row.integration_id, row.visitor_id, row.token_hash],
    );
  }

  /** The session if it was opened through this integration; null otherwise. */
  async find(conversationId: string, integrationId: string): Promise<WebSessionRow | null> {
    const rows = await sqlRows<WebSessionRow>(
      this.db,
      `SELECT conversation_id, integration_id, visitor_id, token_hash FROM web_sessions
        WHERE conversation_id = $1 AND integration_id = $2`,
      [conversationId, integrationId],
    );
    return rows[0] ?? null;
  }
}
