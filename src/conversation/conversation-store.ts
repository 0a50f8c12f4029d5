import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GenericMessage, SessionState } from '../engine';
import type { ConversationStatus } from './conversation-status';
import { sqlRows } from '../database/sql';
import type { OutboxEntry } from '../outbox/outbox-entry';
import { outboxEntriesJson } from '../outbox/outbox-sql';
import { COMMIT_TURN_SQL, CREATE_CONVERSATION_SQL, LEASE_SQL } from './turn-sql';

/** The conversation row as a turn needs it, read while taking the lease. */
export interface LeasedConversation {
  id: string;
  chatbot_id: string;
  channel: string;
  user_id: string;
  contact_name: string | null;
  status: ConversationStatus;
  flow_version_id: string | null;
  session: SessionState | Record<string, never>;
  message_count: number;
  expired: boolean;
  created_at: Date;
}

export interface StoredMessage {
  id: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  message: GenericMessage;
  state: string | null;
  created_at: string;
}

/** Everything one turn writes, applied atomically together with the lease release. */
export interface TurnWrite {
  conversationId: string;
  owner: string;
  session: SessionState;
  status: ConversationStatus;
  contactName: string | null;
  messages: StoredMessage[];
  lastPreview: string | null;
  expiresAt: Date | null;
  now: Date;
  trace: { id: string; events: unknown; durationMs: number };
  outbox: OutboxEntry[];
}

export interface NewConversation {
  id: string;
  chatbotId: string;
  channel: string;
  userId: string;
  contactName: string | null;
  owner: string;
  leaseMs: number;
  now: Date;
}

/**
 * All SQL of the turn pipeline. A turn costs two statements: one that takes the lease and
 * reads the session, and one that writes the whole turn and releases the lease.
 */
@Injectable()
export class ConversationStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates an ACTIVE conversation on the chatbot's published conversation flow, already
   * leased to `owner`. Null when the chatbot has no published conversation flow.
   */
  async create(c: NewConversation): Promise<{ flow_version_id: string } | null> {
    const rows = await sqlRows<{ flow_version_id: string }>(this.db, CREATE_CONVERSATION_SQL, [
      c.id,
      c.chatbotId,
      c.channel,
      c.userId,
      c.contactName,
      c.owner,
      c.leaseMs,
      c.now,
    ]);
    return rows[0] ?? null;
  }

  /** Takes the lease if free (or expired) and returns the row; null when someone else holds it. */
  async tryLease(
    id: string,
    chatbotId: string,
    channel: string,
    owner: string,
    leaseMs: number,
  ): Promise<LeasedConversation | null> {
    const rows = await sqlRows<LeasedConversation>(this.db, LEASE_SQL, [
      id,
      chatbotId,
      channel,
      owner,
      leaseMs,
    ]);
    return rows[0] ?? null;
  }

  async exists(id: string, chatbotId: string, channel: string): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      'SELECT 1 FROM conversations WHERE id = $1 AND chatbot_id = $2 AND channel = $3',
      [id, chatbotId, channel],
    );
    return rows.length > 0;
  }

  async renewLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      `UPDATE conversations SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
        WHERE id = $1 AND lease_owner = $2 RETURNING 1`,
      [id, owner, leaseMs],
    );
    return rows.length > 0;
  }

  /** Releases the lease without other changes (optionally setting a terminal status). */
  async release(id: string, owner: string, status?: ConversationStatus): Promise<void> {
    await sqlRows(
      this.db,
      `UPDATE conversations SET lease_owner = NULL, lease_until = NULL,
              status = coalesce($3, status), updated_at = CASE WHEN $3 IS NULL THEN updated_at ELSE now() END
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner, status ?? null],
    );
  }

  /**
   * Writes the turn (messages, session, trace, outbox) and releases the lease in one
   * statement. False when the lease was lost meanwhile: then nothing was written.
   */
  async commitTurn(w: TurnWrite): Promise<boolean> {
    const rows = await sqlRows<{ ok: string }>(this.db, COMMIT_TURN_SQL, [
      w.conversationId,
      w.owner,
      JSON.stringify(w.session),
      w.session.state,
      w.status,
      w.messages.length,
      w.now,
      w.lastPreview,
      w.expiresAt,
      w.contactName,
      JSON.stringify(w.messages),
      w.trace.id,
      JSON.stringify(w.trace.events),
      w.trace.durationMs,
      outboxEntriesJson(w.outbox),
    ]);
    return Number(rows[0]?.ok ?? 0) > 0;
  }
}
