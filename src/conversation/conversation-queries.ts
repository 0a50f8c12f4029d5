import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode, FieldError } from '../common/domain-error';
import { Page, PageRequest, toPage } from '../common/paging';
import { CONVERSATION_STATUSES, ConversationStatus } from './conversation-status';
import { decodeTrace } from './trace-codec';
import { deliveryErrorView } from './delivery-error-view';
import { sqlRows } from '../database/sql';

/** ACTIVE conversations past their expiry read as EXPIRED, without a sweeper. */
const STATUS_SQL = `CASE WHEN c.status = 'ACTIVE' AND c.expires_at < now() THEN 'EXPIRED' ELSE c.status END`;

interface ConversationRow {
  id: string;
  chatbot_id: string;
  channel: string;
  user_id: string;
  contact_name: string | null;
  status: ConversationStatus;
  current_state: string | null;
  last_message_at: Date | null;
  last_message_preview: string | null;
  message_count: number;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  session: { variables?: Record<string, unknown> };
}

export interface ChatbotStats {
  total_conversations: number;
  total_messages: number;
  active_users_7d: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const record = (r: ConversationRow) => ({
  id: r.id,
  chatbot_id: r.chatbot_id,
  channel: r.channel,
  user_id: r.user_id,
  contact_name: r.contact_name,
  status: r.status,
  current_state: r.current_state,
  last_message_at: iso(r.last_message_at),
  last_message_preview: r.last_message_preview,
  message_count: r.message_count,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

const FILTERS = ['channel', 'status', 'user', 'start_time', 'end_time'] as const;

/**
 * The list's query filters as they arrive: a parameter given twice (`?status=a&status=b`)
 * is an array, and is refused (it was a 500, or a silently empty page).
 */
export type ConversationFilters = Partial<Record<(typeof FILTERS)[number], unknown>>;

/** Reads of conversations, their history and traces (never on a turn's hot path). */
@Injectable()
export class ConversationQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async session(chatbotId: string, channel: string, id: string) {
    const rows = await sqlRows<ConversationRow>(
      this.db,
      `SELECT c.*, ${STATUS_SQL} AS status FROM conversations c WHERE c.id = $1 AND c.chatbot_id = $2 AND c.channel = $3`,
      [id, chatbotId, channel],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      session_id: r.id,
      chatbot_id: r.chatbot_id,
      channel: r.channel,
      user_id: r.user_id,
      status: r.status,
      current_state: r.current_state,
      variables: r.session.variables ?? {},
      message_count: r.message_count,
      created_at: iso(r.created_at),
      updated_at: iso(r.updated_at),
      expires_at: iso(r.expires_at),
    };
  }

  /** A page of the chatbot's conversations (previews left out), filtered; 400 for a bad filter. */
  async list(
    chatbotId: string,
    f: ConversationFilters,
    page: PageRequest,
  ): Promise<Page<ReturnType<typeof record>>> {
    // Preview runs of a draft (the playground's) are the author's, not the bot's traffic.
    const where = ['c.chatbot_id = $1', 'NOT c.preview'];
    const params: unknown[] = [chatbotId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    const errors: FieldError[] = FILTERS.filter(
      (key) => f[key] !== undefined && typeof f[key] !== 'string',
    ).map((key) => ({ path: key, message: `${key} must be given once, as one value` }));
    if (errors.length)
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid filters.', errors);
    const one = f as Partial<Record<(typeof FILTERS)[number], string>>;
    if (one.channel) add('c.channel = ?', one.channel);
    if (one.user) add('c.user_id = ?', one.user);
    if (one.status) {
      const s = one.status.toUpperCase();
      if (!CONVERSATION_STATUSES.includes(s as ConversationStatus)) {
        errors.push({
          path: 'status',
          message: `status must be one of ${CONVERSATION_STATUSES.join(', ')}`,
        });
      } else add(`${STATUS_SQL} = ?`, s);
    }
    for (const [key, op] of [
      ['start_time', '>='],
      ['end_time', '<='],
    ] as const) {
      const v = one[key];
      if (!v) continue;
      const t = Date.parse(v);
      if (Number.isNaN(t)) errors.push({ path: key, message: `${key} must be an ISO-8601 time` });
      else add(`c.created_at ${op} ?`, new Date(t));
    }
    if (errors.length)
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid filters.', errors);
    const filter = where.join(' AND ');
    const total = await sqlRows<{ n: string }>(
      this.db,
      `SELECT count(*) AS n FROM conversations c WHERE ${filter}`,
      params,
    );
    if (page.after) add('c.id > ?', page.after);
    params.push(page.limit + 1);
    const rows = await sqlRows<ConversationRow>(
      this.db,
      `SELECT c.*, ${STATUS_SQL} AS status FROM conversations c WHERE ${where.join(' AND ')}
        ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, Number(total[0].n), page, record);
  }

  async get(chatbotId: string, id: string) {
    const rows = await sqlRows<ConversationRow>(
      this.db,
      `SELECT c.*, ${STATUS_SQL} AS status FROM conversations c WHERE c.id = $1 AND c.chatbot_id = $2`,
      [id, chatbotId],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.NotFound, 'Conversation not found');
    return record(rows[0]);
  }

  /** Oldest first. The cursor is a message id (ids grow with time within a conversation). */
  async messages(chatbotId: string, id: string, page: PageRequest) {
    const { channel } = await this.get(chatbotId, id);
    const [rows, total] = await Promise.all([
      sqlRows<{
        id: string;
        direction: string;
        message: unknown;
        state: string | null;
        created_at: Date;
        delivery_status: string | null;
        delivery_error: unknown;
        segments: number | null;
        reaction: string | null;
        responder: string | null;
        agent: unknown;
      }>(
        this.db,
        `SELECT id, direction, message, state, created_at, delivery_status, delivery_error, segments, reaction,
                responder, agent FROM messages
          WHERE conversation_id = $1 AND ($2::text IS NULL OR seq > (SELECT seq FROM messages WHERE id = $2::bpchar))
          ORDER BY seq LIMIT $3`,
        [id, page.after, page.limit + 1],
      ),
      sqlRows<{ n: string }>(
        this.db,
        'SELECT count(*) AS n FROM messages WHERE conversation_id = $1',
        [id],
      ),
    ]);
    return toPage(rows, Number(total[0].n), page, (m) => ({
      id: m.id,
      direction: m.direction,
      message: m.message,
      state: m.state,
      created_at: iso(m.created_at),
      // Outbound only; a reply given in the request's answer (Chat API, USSD, web, TwiML) was sent.
      ...(m.direction === 'outbound' ? { status: m.delivery_status ?? 'sent' } : {}),
      ...(m.delivery_error ? { error: deliveryErrorView(channel, m.delivery_error) } : {}),
      ...(m.segments !== null ? { segments: m.segments } : {}),
      ...(m.reaction !== null ? { reaction: m.reaction } : {}),
      ...(m.direction === 'outbound' ? { responder: m.responder ?? 'BOT' } : {}),
      ...(m.agent ? { agent: m.agent } : {}),
    }));
  }

  /**
   * The outbound messages of a conversation that answer no request (a person's, and the bot's
   * after a release at a state or an outbound message) after message `after` (null, or an id
   * that is not one of its messages: from the start), in the order they were stored: what a
   * widget's event stream sends.
   */
  async pushedMessagesAfter(conversationId: string, after: string | null, limit: number) {
    const rows = await sqlRows<{
      id: string;
      message: unknown;
      responder: string;
      agent: unknown;
      created_at: Date;
    }>(
      this.db,
      `SELECT id, message, responder, agent, created_at FROM messages
        WHERE conversation_id = $1 AND responder IS NOT NULL
          AND seq > coalesce((SELECT seq FROM messages WHERE id = $2::bpchar AND conversation_id = $1), -1)
        ORDER BY seq LIMIT $3`,
      [conversationId, after, limit],
    );
    return rows.map((m) => ({
      id: m.id,
      message: m.message,
      responder: m.responder,
      ...(m.agent ? { agent: m.agent } : {}),
      created_at: iso(m.created_at),
    }));
  }

  /** The engine's steps, one entry per turn, oldest first. */
  async trace(chatbotId: string, id: string, page: PageRequest) {
    await this.get(chatbotId, id);
    const [rows, total] = await Promise.all([
      sqlRows<{ id: string; events: unknown[]; duration_ms: number; created_at: Date }>(
        this.db,
        `SELECT id, events, duration_ms, created_at FROM conversation_traces
          WHERE conversation_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
        [id, page.after, page.limit + 1],
      ),
      sqlRows<{ n: string }>(
        this.db,
        'SELECT count(*) AS n FROM conversation_traces WHERE conversation_id = $1',
        [id],
      ),
    ]);
    return toPage(rows, Number(total[0].n), page, (t) => ({
      id: t.id,
      created_at: iso(t.created_at),
      duration_ms: Math.round(t.duration_ms * 100) / 100,
      events: decodeTrace(t.events),
    }));
  }

  /** A chatbot's totals: conversations, messages, and users active in the last 7 days. */
  async stats(chatbotId: string): Promise<ChatbotStats> {
    const [row] = await sqlRows<{ conversations: string; messages: string; active_users: string }>(
      this.db,
      `SELECT count(*) AS conversations,
              coalesce(sum(message_count), 0) AS messages,
              count(DISTINCT user_id) FILTER (WHERE last_message_at > now() - interval '7 days') AS active_users
         FROM conversations WHERE chatbot_id = $1 AND NOT preview`,
      [chatbotId],
    );
    return {
      total_conversations: Number(row.conversations),
      total_messages: Number(row.messages),
      active_users_7d: Number(row.active_users),
    };
  }
}
