import type { SealedIntegration } from './types/integration-type';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type Executor, executorRows as rows } from '../database/executor';
import type { IntegrationRow } from './integration-row';
import type { HttpIntegrationPublic } from './http-integration-record';

/** A row as sealed by its integration type: public config, sealed secrets and their key id. */
/**
 * The `integrations` table: every statement on it, for this module and for the modules that
 * need to know a chatbot's integrations (flow validation).
 */
@Injectable()
export class IntegrationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(
    chatbotId: string,
    limit: number,
    after: string | null | undefined,
  ): Promise<{ rows: IntegrationRow[]; total: number }> {
    const [found, [{ total }]] = await Promise.all([
      rows<IntegrationRow>(
        this.db,
        `SELECT * FROM integrations WHERE chatbot_id = $1 AND ($3::text IS NULL OR id > $3)
          ORDER BY id LIMIT $2`,
        [chatbotId, limit, after ?? null],
      ),
      rows<{ total: number }>(
        this.db,
        'SELECT count(*)::int AS total FROM integrations WHERE chatbot_id = $1',
        [chatbotId],
      ),
    ]);
    return { rows: found, total: Number(total) };
  }

  async find(chatbotId: string, id: string, executor: Executor = this.db) {
    const [row] = await rows<IntegrationRow>(
      executor,
      'SELECT * FROM integrations WHERE id = $1 AND chatbot_id = $2',
      [id, chatbotId],
    );
    return row ?? null;
  }

  /** A channel integration by id alone, as its webhook names it. */
  async findChannel(id: string, type: string): Promise<IntegrationRow | null> {
    const [row] = await rows<IntegrationRow>(
      this.db,
      'SELECT * FROM integrations WHERE id = $1 AND type = $2',
      [id, type],
    );
    return row ?? null;
  }

  /**
   * Another integration of this type at this address in the chatbot's workspace (excluding
   * `exceptId`), after taking a lock that serialises such checks per workspace and address
   * until `executor`'s transaction ends.
   */
  async addressTaken(
    executor: Executor,
    chatbotId: string,
    type: string,
    address: string,
    exceptId: string | null,
  ): Promise<boolean> {
    const found = await rows<unknown>(
      executor,
      `WITH ws AS (SELECT workspace_id FROM chatbots WHERE id = $1),
            locked AS (SELECT pg_advisory_xact_lock(hashtext(ws.workspace_id || ' ' || $2 || ' ' || $3)) FROM ws)
       SELECT 1 FROM locked, integrations i JOIN chatbots b ON b.id = i.chatbot_id, ws
        WHERE i.type = $2 AND i.address = $3 AND b.workspace_id = ws.workspace_id
          AND ($4::text IS NULL OR i.id <> $4)`,
      [chatbotId, type, address, exceptId],
    );
    return found.length > 0;
  }

  /** The integrations of a type at an address, any workspace (a webhook routed by address). */
  async findByAddress(type: string, address: string): Promise<IntegrationRow[]> {
    return rows<IntegrationRow>(
      this.db,
      'SELECT * FROM integrations WHERE type = $1 AND address = $2 ORDER BY created_at',
      [type, address],
    );
  }

  /** Records a channel's credential failure (null: healthy again). */
  async setHealth(id: string, health: unknown): Promise<void> {
    await rows(this.db, 'UPDATE integrations SET health = $2::jsonb WHERE id = $1', [
      id,
      health === null ? null : JSON.stringify(health),
    ]);
  }

  /** A chatbot's integrations of one type, oldest first. */
  async ofChatbot(chatbotId: string, type: string): Promise<IntegrationRow[]> {
    return rows<IntegrationRow>(
      this.db,
      'SELECT * FROM integrations WHERE chatbot_id = $1 AND type = $2 ORDER BY created_at',
      [chatbotId, type],
    );
  }

  /** Every integration of a type (the app-level WhatsApp handshake checks their tokens). */
  async allOfType(type: string): Promise<IntegrationRow[]> {
    return rows<IntegrationRow>(this.db, 'SELECT * FROM integrations WHERE type = $1', [type]);
  }

  /** A chatbot's http integration by name, as a flow's API_CALL names it. */
  async findHttpByName(chatbotId: string, name: string) {
    const [row] = await rows<{
      id: string;
      name: string;
      config: HttpIntegrationPublic;
      secrets: string | null;
    }>(
      this.db,
      `SELECT id, name, config, secrets FROM integrations
        WHERE chatbot_id = $1 AND name = $2 AND type = 'http'`,
      [chatbotId, name],
    );
    return row ?? null;
  }

  /** The names a flow's API_CALL may use (`integration`): the chatbot's http integrations. */
  async httpNames(chatbotId: string, executor: Executor = this.db): Promise<string[]> {
    const found = await rows<{ name: string }>(
      executor,
      `SELECT name FROM integrations WHERE chatbot_id = $1 AND type = 'http'`,
      [chatbotId],
    );
    return found.map((r) => r.name);
  }

  async insert(
    id: string,
    chatbotId: string,
    type: string,
    s: SealedIntegration,
    executor: Executor = this.db,
  ) {
    const [row] = await rows<IntegrationRow>(
      executor,
      `INSERT INTO integrations (id, chatbot_id, type, name, config, secrets, key_id, webhook_token, address)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9) RETURNING *`,
      [
        id,
        chatbotId,
        type,
        s.name,
        JSON.stringify(s.config),
        s.secrets,
        s.keyId,
        s.webhookToken ?? null,
        s.address ?? null,
      ],
    );
    return row;
  }

  async update(executor: Executor, chatbotId: string, id: string, s: SealedIntegration) {
    const [row] = await rows<IntegrationRow>(
      executor,
      `UPDATE integrations SET name = $3, config = $4::jsonb, secrets = $5, key_id = $6,
              webhook_token = coalesce($7, webhook_token), address = $8,
              health = CASE WHEN $9 THEN NULL ELSE health END, updated_at = now()
        WHERE id = $1 AND chatbot_id = $2 RETURNING *`,
      [
        id,
        chatbotId,
        s.name,
        JSON.stringify(s.config),
        s.secrets,
        s.keyId,
        s.webhookToken ?? null,
        s.address ?? null,
        s.healthReset === true,
      ],
    );
    return row;
  }

  async delete(executor: Executor, chatbotId: string, id: string): Promise<void> {
    await rows(executor, 'DELETE FROM integrations WHERE id = $1 AND chatbot_id = $2', [
      id,
      chatbotId,
    ]);
  }
}
