import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql';
import { type Executor, executorRows } from '../database/executor';

/**
 * Reads of flows and their published versions for other modules: the turn pipeline loads a
 * version to run it, the Integrations API checks what the published flow uses. (The Flows
 * API keeps its own writes in FlowsService.)
 */
@Injectable()
export class FlowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A published version's definition and name; null when it no longer exists. */
  async version(versionId: string): Promise<{ definition: unknown; name: string } | null> {
    const [row] = await sqlRows<{ definition: unknown; name: string }>(
      this.db,
      'SELECT definition, name FROM flow_versions WHERE id = $1',
      [versionId],
    );
    return row ?? null;
  }

  /** The published version of the chatbot's conversation flow (the one new sessions run). */
  async publishedVersionId(chatbotId: string): Promise<string | null> {
    const [row] = await sqlRows<{ id: string }>(
      this.db,
      `SELECT published_version_id AS id FROM flows
        WHERE chatbot_id = $1 AND type = 'conversation' AND status = 'published'
          AND published_version_id IS NOT NULL
        ORDER BY id LIMIT 1`,
      [chatbotId],
    );
    return row?.id ?? null;
  }

  /** The chatbot's published conversation flows (name and live definition), oldest first. */
  async publishedConversationFlows(
    chatbotId: string,
    executor: Executor = this.db,
  ): Promise<Array<{ name: string; definition: unknown }>> {
    return executorRows(
      executor,
      `SELECT f.name, v.definition FROM flows f JOIN flow_versions v ON v.id = f.published_version_id
        WHERE f.chatbot_id = $1 AND f.type = 'conversation' AND f.status = 'published' ORDER BY f.id`,
      [chatbotId],
    );
  }
}
