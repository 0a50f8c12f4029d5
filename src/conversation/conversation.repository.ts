import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GenericMessage, SessionState } from '../engine';
import { type ConversationStatus, HANDED_OFF_SQL, OPEN_STATUSES_SQL } from './conversation-status';
import { encodeTrace } from './trace-codec';
import { traceHasError, traceKeptSql } from './trace-level';
import { missingParentTable, sqlRows } from '../database/sql';
import type { DeliveryError, MessagesDelivery } from './messages-delivered-sql';
import type { OutboxEntry } from '../outbox/outbox-entry';
import { enqueueOutboxSql, outboxEntriesJson, outboxEntriesRows } from '../outbox/outbox-sql';
import { EVENT_KIND } from '../events/conversation-event';
import { eventsOnSql, isoSql, messageStatusEventsSql } from '../events/events-sql';
import { newId } from '../common/new-id';
import { OPTED_OUT_ERROR } from '../opt-outs/opt-outs-sql';
import { StatementBatch } from '../database/statement-batch';
import {
  COMMIT_TURN_SQL,
  CREATE_CONVERSATION_SQL,
  CREATE_PREVIEW_CONVERSATION_SQL,
  LEASE_BY_KEY_SQL,
  leaseAheadSql,
  LEASE_SQL,
  LEASE_WITH_TICKET_SQL,
} from './turn-sql';

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
  /** What the channel keeps with the session (see InboundTurn.channelState). */
  channel_state: unknown;
  /** The channel's session key (sessions by key); null for sessions by id. */
  session_key: string | null;
}

export interface StoredMessage {
  id: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  message: GenericMessage;
  state: string | null;
  created_at: string;
  /** `queued` for a message a channel sends through the outbox; absent otherwise. */
  delivery_status?: 'queued';
  /** Set on the bot's messages that answer no request (see TurnFacts.pushed). */
  responder?: 'BOT';
}

/** A first try at a lease: the leased row, or a place in line for conversation `id`. */
export type FirstTry = { row: LeasedConversation } | { ticket: string; id: string };

/**
 * Another module's write run first in a turn's first try at its lease (see leaseAheadSql): a
 * query of one row with a boolean `go`, over the named `values` of one try, each read as
 * `value(name)` (text: cast as needed). `query` gives the same text for every gate of its
 * `kind`, so that tries arriving at once share a statement; two tries sharing one of `keys`
 * never do.
 */
export interface LeaseGate {
  kind: string;
  values: Record<string, unknown>;
  query: (value: (name: string) => string) => string;
  keys: string[];
}

/** One first try at a lease after a gate (tryLeaseByKeyAfter). */
interface LeaseAhead {
  gate: LeaseGate;
  key: string;
  chatbotId: string;
  channel: string;
  owner: string;
  leaseMs: number;
  ticketMs: number;
}

type FirstTryRow = LeasedConversation & { ticket: string | null; target_id: string | null };

function firstTryOf(got: FirstTryRow | undefined): FirstTry | null {
  if (got?.ticket) return { ticket: got.ticket, id: got.target_id! };
  if (!got?.id) return null;
  const { ticket: _none, target_id: _id, ...row } = got;
  return { row };
}

/** A row of leaseAheadSql: a first try's, with its place in the batch and the gate's answer. */
type LeaseAheadRow = FirstTryRow & { n: string; leased_n: string | null; gate_go: boolean | null };

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
  trace: { id: string; events: unknown[]; durationMs: number };
  outbox: OutboxEntry[];
  /** The inbox event this turn consumes, marked done in the same statement. */
  inboxEventId: string | null;
  /** The channel's state after the turn; undefined keeps the stored one. */
  channelState?: unknown;
  /** Stores the new outbox rows claimed by this dispatcher when it may (see enqueueOutboxSql). */
  outboxClaim?: { owner: string; claimMs: number; held: string[] } | null;
  /**
   * The Idempotency-Key this turn carries out (InboundTurn.idempotencyKey): the turn commits
   * only while `owner` holds it, and answers it with `answer` in the same statement.
   */
  idempotencyKey?: { chatbotId: string; key: string; owner: string; answer: unknown } | null;
}

/**
 * A committed turn: false when the lease was lost, or the turn's Idempotency-Key (nothing
 * written).
 */
export type TurnCommit =
  | { ok: false }
  | {
      ok: true;
      claimedOutboxIds: string[];
      /** The outbox rows stored (events are not when the chatbot has no receiver). */
      storedOutboxIds: string[];
    };

export interface NewConversation {
  id: string;
  chatbotId: string;
  channel: string;
  userId: string;
  contactName: string | null;
  owner: string;
  leaseMs: number;
  now: Date;
  /** Channel sessions found by key; null for Chat API sessions. */
  sessionKey: string | null;
  /** A preview run on this flow version (a draft's snapshot) instead of the published flow. */
  previewVersionId?: string;
}

/** The person who wrote an outbound message (an agent), as the API shows it. */
export interface AgentRef {
  id: string;
  name?: string;
}

/**
 * The turn pipeline's statements on conversations, messages and traces. A turn costs two
 * statements: one that takes the lease and reads the session, and one that writes the whole
 * turn and releases the lease.
 */
@Injectable()
export class ConversationRepository {
  /** Turns committing at once share a statement (docs/scaling.md › Writes grouped across users). */
  private readonly commits = new StatementBatch<TurnWrite, TurnCommit>({
    many: (ws) => this.writeTurns(ws),
    single: async (w) => (await this.writeTurns([w]))[0],
    keys: (w) => [w.conversationId, ...w.outbox.map((e) => `key:${e.orderingKey}`)],
    max: COMMITS_PER_STATEMENT,
    inFlight: STATEMENTS_IN_FLIGHT,
  });

  /** First tries after a gate, per kind of gate (each its statement text). */
  private readonly leasesAhead = new Map<
    string,
    StatementBatch<LeaseAhead, { go: boolean | null; first: FirstTry | null }>
  >();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates an ACTIVE conversation on the chatbot's published conversation flow, already
   * leased to `owner`. Null when the chatbot has no published conversation flow.
   */
  async create(c: NewConversation): Promise<{ flow_version_id: string } | null> {
    const params = [
      c.id,
      c.chatbotId,
      c.channel,
      c.userId,
      c.contactName,
      c.owner,
      c.leaseMs,
      c.now,
      c.sessionKey,
    ];
    try {
      const rows = c.previewVersionId
        ? await sqlRows<{ flow_version_id: string }>(this.db, CREATE_PREVIEW_CONVERSATION_SQL, [
            ...params,
            c.previewVersionId,
          ])
        : await sqlRows<{ flow_version_id: string }>(this.db, CREATE_CONVERSATION_SQL, params);
      return rows[0] ?? null;
    } catch (err) {
      // The version read was deleted (its flow with it) before the row was written: there is
      // no published flow any more, as the statement would have found a moment later.
      if (missingParentTable(err) === 'flow_versions') return null;
      throw err;
    }
  }

  /**
   * A message's first try at the lease: the row when taken, else a place in line (`ticket`,
   * held for `ticketMs`); null when there is no such conversation.
   */
  async tryLease(
    id: string,
    chatbotId: string,
    channel: string | null,
    owner: string,
    leaseMs: number,
    ticketMs: number,
  ): Promise<FirstTry | null> {
    return this.firstTry(LEASE_SQL, [id, chatbotId, channel, owner, leaseMs, ticketMs]);
  }

  /** The same for the open conversation holding a channel session key, found in the statement. */
  async tryLeaseByKey(
    key: string,
    chatbotId: string,
    channel: string,
    owner: string,
    leaseMs: number,
    ticketMs: number,
  ): Promise<FirstTry | null> {
    return this.firstTry(LEASE_BY_KEY_SQL, [key, chatbotId, channel, owner, leaseMs, ticketMs]);
  }

  /**
   * tryLeaseByKey after `gate`, another module's write in the same statement (see
   * leaseAheadSql), tried only when the gate says `go`: the gate's answer (null: no row), and
   * the first try when it was made. Tries made at once share a statement (leasesAhead).
   */
  tryLeaseByKeyAfter(
    gate: LeaseGate,
    key: string,
    chatbotId: string,
    channel: string,
    owner: string,
    leaseMs: number,
    ticketMs: number,
  ): Promise<{ go: boolean | null; first: FirstTry | null }> {
    let batch = this.leasesAhead.get(gate.kind);
    if (!batch) {
      const sql = leaseAheadSql(gate.query((name) => `(t.gate->>'${name}')`));
      batch = new StatementBatch({
        many: (tries) => this.leaseAhead(sql, tries),
        single: async (one) => (await this.leaseAhead(sql, [one]))[0],
        keys: (a) => [`${a.chatbotId} ${a.channel} ${a.key}`, ...a.gate.keys],
        max: COMMITS_PER_STATEMENT,
        inFlight: STATEMENTS_IN_FLIGHT,
      });
      this.leasesAhead.set(gate.kind, batch);
    }
    return batch.run({ gate, key, chatbotId, channel, owner, leaseMs, ticketMs });
  }

  private async leaseAhead(
    sql: string,
    tries: LeaseAhead[],
  ): Promise<Array<{ go: boolean | null; first: FirstTry | null }>> {
    const rows = await sqlRows<LeaseAheadRow>(this.db, sql, [
      JSON.stringify(
        tries.map((a) => ({
          key: a.key,
          chatbot_id: a.chatbotId,
          channel: a.channel,
          owner: a.owner,
          lease_ms: a.leaseMs,
          ticket_ms: a.ticketMs,
          gate: a.gate.values,
        })),
      ),
    ]);
    return rows.map(({ n: _n, leased_n: _leased, gate_go, ...got }) => {
      const go = gate_go ?? null;
      return { go, first: go ? firstTryOf(got) : null };
    });
  }

  private async firstTry(sql: string, params: unknown[]): Promise<FirstTry | null> {
    const [got] = await sqlRows<FirstTryRow>(this.db, sql, params);
    return firstTryOf(got);
  }

  /** A waiter's next try: the row when its turn has come and the lease is free. */
  async tryLeaseInLine(
    id: string,
    chatbotId: string,
    channel: string | null,
    owner: string,
    leaseMs: number,
    ticket: string,
  ): Promise<LeasedConversation | null> {
    const rows = await sqlRows<LeasedConversation>(this.db, LEASE_WITH_TICKET_SQL, [
      id,
      chatbotId,
      channel,
      owner,
      leaseMs,
      ticket,
    ]);
    return rows[0] ?? null;
  }

  /** Gives up a place in line (a waiter that stopped waiting). */
  async leaveLine(ticket: string): Promise<void> {
    await sqlRows(this.db, 'DELETE FROM turn_waiters WHERE id = $1::bigint', [ticket]);
  }

  /** The open conversation (the bot's or a person's) holding a channel session key. */
  async findOpenByKey(chatbotId: string, channel: string, key: string): Promise<string | null> {
    const rows = await sqlRows<{ id: string }>(
      this.db,
      `SELECT id FROM conversations
        WHERE chatbot_id = $1 AND channel = $2 AND session_key = $3
          AND status IN ${OPEN_STATUSES_SQL}`,
      [chatbotId, channel, key],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The user's newest conversation that held a channel session key, whatever its status
   * (read when none is open: a key used once, see SessionAddress), with the channel's state;
   * null when the key was never used. Found through the user's conversations on the channel
   * (conversations_user_idx), so no index on the key of every conversation is needed.
   */
  async lastByKey(
    chatbotId: string,
    channel: string,
    userId: string,
    key: string,
  ): Promise<{ channel_state: unknown } | null> {
    const rows = await sqlRows<{ channel_state: unknown }>(
      this.db,
      `SELECT channel_state FROM conversations
        WHERE chatbot_id = $1 AND channel = $2 AND user_id = $3 AND session_key = $4
        ORDER BY created_at DESC LIMIT 1`,
      [chatbotId, channel, userId, key],
    );
    return rows[0] ?? null;
  }

  /**
   * The user's open session on a channel, under another key, active within the last
   * `withinSeconds`: one that a new channel session may continue (USSD resume).
   */
  async findResumable(
    chatbotId: string,
    channel: string,
    userId: string,
    exceptKey: string,
    withinSeconds: number,
  ): Promise<string | null> {
    const rows = await sqlRows<{ id: string }>(
      this.db,
      `SELECT id FROM conversations
        WHERE chatbot_id = $1 AND channel = $2 AND user_id = $3 AND status = 'ACTIVE'
          AND session_key IS DISTINCT FROM $4
          AND updated_at > now() - make_interval(secs => $5::float8)
          AND (expires_at IS NULL OR expires_at > now())
        ORDER BY updated_at DESC LIMIT 1`,
      [chatbotId, channel, userId, exceptKey, withinSeconds],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Moves an open session to a new channel key (a resumed USSD session), keeps it open at
   * least `keepOpenSeconds` more (the resume is activity), merges `statePatch` into the
   * channel's state (an object), and reads that state. Null when it is no longer open.
   */
  async moveKey(
    id: string,
    key: string,
    keepOpenSeconds: number,
    statePatch: Record<string, unknown>,
  ): Promise<{ channel_state: unknown } | null> {
    const rows = await sqlRows<{ channel_state: unknown }>(
      this.db,
      `UPDATE conversations
          SET session_key = $2, updated_at = now(),
              -- greatest() skips a null: a session that never expires keeps none.
              expires_at = CASE WHEN expires_at IS NOT NULL
                                THEN greatest(expires_at, now() + make_interval(secs => $3::float8)) END,
              channel_state = CASE WHEN jsonb_typeof(channel_state) = 'object'
                                   THEN channel_state || $4::jsonb ELSE channel_state END
        WHERE id = $1 AND status = 'ACTIVE' RETURNING channel_state`,
      [id, key, keepOpenSeconds, JSON.stringify(statePatch)],
    );
    return rows[0] ?? null;
  }

  /**
   * Records a channel send on the messages it carried: `sent`, with the provider's id, the
   * segment count and the integration that sent them (`sentVia`, see applyDeliveryReport).
   * Written by the statement that ends the outbox delivery.
   */
  static markSent(
    ids: readonly string[],
    providerMessageId: string | null,
    segments: number | null,
    sentVia: string | null = null,
  ): MessagesDelivery {
    return { messageIds: ids, status: 'sent', providerMessageId, segments, sentVia };
  }

  /** A channel could not send these messages (a final error, or opted out); as markSent. */
  static markFailed(ids: readonly string[], error: DeliveryError): MessagesDelivery {
    return { messageIds: ids, status: 'failed', error };
  }

  /**
   * A provider's delivery report: every message of this chatbot's channel sent as that
   * provider message. A report never moves a message back (delivered stays delivered).
   * A message that became delivered, read or failed is told to the chatbot's events
   * receiver (`message.status`), in the same statement, when it has one: at most
   * STATUS_EVENT_IDS messages per report (one send carries one message, or a few in one SMS).
   * `keyPrefix`, when given, limits the report to conversations whose session key starts
   * with it (a WhatsApp number's: a report on one number never touches another's messages).
   * `sentVia`, when given, limits it to messages sent through that integration (SMS, whose
   * session key is the user's number alone, shared by the chatbot's SMS integrations);
   * messages sent before that was recorded have none and are matched by the id alone.
   * The number of messages updated (0: an unknown id).
   */
  async applyDeliveryReport(
    chatbotId: string,
    channel: string,
    providerMessageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: DeliveryError | null,
    keyPrefix: string | null = null,
    sentVia: string | null = null,
  ): Promise<number> {
    // Reports come out of order: never move back (sent < delivered < read); a failure
    // counts unless the message was already delivered or read.
    const rows = await sqlRows(
      this.db,
      `WITH before AS (
         SELECT m.id, m.delivery_status AS old, c.id AS conversation_id, c.channel, c.user_id
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.provider_message_id = $3 AND c.chatbot_id = $1 AND c.channel = $2
            AND ${KEY_PREFIXED('$7')}
            AND ($8::text IS NULL OR m.sent_via IS NULL OR m.sent_via = $8::text)
          FOR UPDATE OF m
       ), moved AS (
         UPDATE messages m
            SET delivery_status = CASE WHEN ${DELIVERY_RANK('m.delivery_status')} > ${DELIVERY_RANK('$4')}
                                       THEN m.delivery_status ELSE $4 END,
                delivery_error = CASE WHEN $4 = 'failed' THEN $5::jsonb ELSE m.delivery_error END
           FROM before b
          WHERE m.id = b.id
          RETURNING m.id, m.delivery_status AS now, m.delivery_error, b.old, b.conversation_id, b.channel, b.user_id
       ), told AS (
         SELECT mv.*, row_number() OVER (ORDER BY mv.id) AS n FROM moved mv
          WHERE mv.now IS DISTINCT FROM mv.old AND mv.now IN ('delivered', 'read', 'failed')
            AND EXISTS (SELECT 1 FROM chatbots b WHERE b.id = $1 AND b.events_url IS NOT NULL)
       ), ev AS (
         ${messageStatusEventsSql({
           from: `FROM told t WHERE t.n <= ${STATUS_EVENT_IDS}`,
           id: '($6::text[])[t.n]',
           chatbotId: '$1',
           conversationId: 't.conversation_id',
           channel: 't.channel',
           userId: 't.user_id',
           messageId: 't.id',
           status: 't.now',
           error: "CASE WHEN t.now = 'failed' THEN t.delivery_error END",
         })}
       )
       SELECT id FROM moved`,
      [
        chatbotId,
        channel,
        providerMessageId,
        status,
        error ? JSON.stringify(error) : null,
        Array.from({ length: STATUS_EVENT_IDS }, () => newId()),
        keyPrefix,
        sentVia,
      ],
    );
    return rows.length;
  }

  /**
   * A user's reaction on an outbound message ('' removes it), of a conversation whose session
   * key starts with `keyPrefix` (as applyDeliveryReport's); false for an unknown message.
   */
  async setReaction(
    chatbotId: string,
    channel: string,
    providerMessageId: string,
    emoji: string,
    keyPrefix: string,
  ): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      `UPDATE messages m SET reaction = nullif($4, '')
         FROM conversations c
        WHERE m.provider_message_id = $3 AND c.id = m.conversation_id
          AND c.chatbot_id = $1 AND c.channel = $2 AND ${KEY_PREFIXED('$5')}
        RETURNING m.id`,
      [chatbotId, channel, providerMessageId, emoji, keyPrefix],
    );
    return rows.length > 0;
  }

  /**
   * A user's new id on a channel (WhatsApp's changed number): the open session under
   * `fromKey` moves to the new key and user id. False when there is none, or the new key
   * already has an open session of its own.
   */
  async moveUser(
    chatbotId: string,
    channel: string,
    fromKey: string,
    to: { key: string; userId: string },
  ): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      `UPDATE conversations SET session_key = $4, user_id = $5, updated_at = now()
        WHERE chatbot_id = $1 AND channel = $2 AND session_key = $3
          AND status IN ${OPEN_STATUSES_SQL}
          AND NOT EXISTS (SELECT 1 FROM conversations o
                           WHERE o.chatbot_id = $1 AND o.channel = $2 AND o.session_key = $4
                             AND o.status IN ${OPEN_STATUSES_SQL})
        RETURNING id`,
      [chatbotId, channel, fromKey, to.key, to.userId],
    );
    return rows.length > 0;
  }

  /** Whether the open session under a key waits for a person (the bot must keep quiet). */
  async handedOff(chatbotId: string, channel: string, key: string): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      `SELECT 1 FROM conversations
        WHERE chatbot_id = $1 AND channel = $2 AND session_key = $3 AND status IN ${HANDED_OFF_SQL}`,
      [chatbotId, channel, key],
    );
    return rows.length > 0;
  }

  /**
   * A person took the conversation over outside the bot (WhatsApp's echo of a message sent
   * from the Business app): the user's active session waits for a person. False when none.
   */
  async handOffByKey(chatbotId: string, channel: string, key: string): Promise<boolean> {
    const eventId = newId();
    const rows = await sqlRows(
      this.db,
      `WITH handed AS (
         UPDATE conversations
            SET status = 'HANDOFF_PENDING', session = jsonb_set(session, '{status}', '"handoff"'),
                updated_at = now()
          WHERE chatbot_id = $1 AND channel = $2 AND session_key = $3 AND status = 'ACTIVE'
            AND session ? 'state'
          RETURNING id, user_id, current_state
       ), ev AS (
         INSERT INTO outbox (id, kind, ordering_key, chatbot_id, conversation_id, payload, created_at, next_attempt_at)
         SELECT $4::bpchar, '${EVENT_KIND}', 'events:' || h.id, $1, h.id,
                jsonb_build_object(
                  'id', $4::bpchar, 'type', 'handoff.requested', 'created_at', ${isoSql('now()')}, 'chatbot_id', $1::bpchar,
                  'conversation', jsonb_build_object('id', h.id, 'channel', $2::text, 'user_id', h.user_id),
                  'data', jsonb_build_object('state', h.current_state, 'source', 'business_app', 'reason', NULL)),
                now(), now()
           FROM handed h
          WHERE EXISTS (SELECT 1 FROM chatbots b WHERE b.id = $1 AND b.events_url IS NOT NULL)
       )
       SELECT id FROM handed`,
      [chatbotId, channel, key, eventId],
    );
    return rows.length > 0;
  }

  async exists(id: string, chatbotId: string, channel: string | null): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      'SELECT 1 FROM conversations WHERE id = $1 AND chatbot_id = $2 AND ($3::text IS NULL OR channel = $3)',
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

  /** Releases the lease with a new channel state: the channel answered without the flow. */
  async releaseWithChannelState(id: string, owner: string, state: unknown): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      `UPDATE conversations SET channel_state = $3::jsonb, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2 RETURNING 1`,
      [id, owner, JSON.stringify(state)],
    );
    return rows.length > 0;
  }

  /**
   * Releases the lease, optionally setting a status (a CLOSED or EXPIRED one is kept); false
   * when `owner` did not hold it.
   */
  async release(id: string, owner: string, status?: ConversationStatus): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      `UPDATE conversations SET lease_owner = NULL, lease_until = NULL,
              status = CASE WHEN $3::text IS NULL OR status IN ('CLOSED', 'EXPIRED') THEN status ELSE $3 END,
              updated_at = CASE WHEN $3::text IS NULL THEN updated_at ELSE now() END
        WHERE id = $1 AND lease_owner = $2
       RETURNING 1`,
      [id, owner, status ?? null],
    );
    return rows.length > 0;
  }

  /**
   * Stores a person's outbound message (`responder` HUMAN) after the conversation's messages,
   * with its deliveries (`queued` when a channel sends it) and events, and releases the lease, in one
   * statement under the lease; null when the lease was lost.
   */
  async appendAgentMessage(
    id: string,
    owner: string,
    m: {
      id: string;
      message: GenericMessage;
      agent: AgentRef | null;
      preview: string | null;
      outbox: OutboxEntry[];
    },
  ): Promise<{ created_at: Date } | null> {
    const rows = await sqlRows<{ created_at: Date }>(
      this.db,
      `WITH conv AS (
         UPDATE conversations
            SET message_count = message_count + 1, last_message_at = now(),
                -- A person's first answer: the bot already keeps quiet; now a person talks.
                status = 'AGENT_ACTIVE', session = jsonb_set(session, '{status}', '"handoff"'),
                last_message_preview = coalesce($5, last_message_preview), updated_at = now(),
                lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2
          RETURNING id, chatbot_id, message_count, current_state
       ), ob AS (
         ${enqueueOutboxSql({ entries: '$7', chatbotId: 'conv.chatbot_id', conversationId: 'conv.id', now: 'now()', from: 'conv', where: eventsOnSql('conv.chatbot_id') })}
       )
       INSERT INTO messages (id, conversation_id, seq, direction, message, state, created_at, responder, agent,
                             delivery_status)
       SELECT $3, conv.id, conv.message_count - 1, 'outbound', $4::jsonb, conv.current_state, now(), 'HUMAN', $6::jsonb,
              CASE WHEN $8 THEN 'queued' END
         FROM conv
       RETURNING created_at`,
      [
        id,
        owner,
        m.id,
        JSON.stringify(m.message),
        m.preview,
        m.agent ? JSON.stringify(m.agent) : null,
        outboxEntriesJson(m.outbox),
        m.outbox.some((e) => !e.event),
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Conversations with people that nobody touched for their flow's
   * `settings.handoff_idle_release_minutes` (read from the pinned version), oldest first.
   */
  async idleHandoffs(limit: number): Promise<{ id: string; chatbot_id: string }[]> {
    return sqlRows(
      this.db,
      `SELECT c.id, c.chatbot_id
         FROM conversations c
         JOIN flow_versions v ON v.id = c.flow_version_id
        WHERE c.status IN ${HANDED_OFF_SQL}
          AND json_typeof(v.definition -> 'settings' -> 'handoff_idle_release_minutes') = 'number'
          AND c.updated_at < now() - make_interval(
                secs => (v.definition -> 'settings' ->> 'handoff_idle_release_minutes')::float8 * 60)
        ORDER BY c.updated_at
        LIMIT $1`,
      [limit],
    );
  }

  /**
   * Tells the chatbots' events receivers (`window.expiring`) of open conversations on
   * `channel` whose messaging window closes within `warnMs`: the window runs `windowMs` from
   * the epoch-ms number the channel keeps at `channel_state.<field>` (WhatsApp's
   * last_inbound_at). Each window is told once (`channel_state.window_warned_for` keeps which;
   * a new user message opens a new window). Only chatbots with a receiver are read. At most
   * `eventIds.length` per call; returns how many were told.
   */
  async tellExpiringWindows(w: {
    channel: string;
    field: string;
    windowMs: number;
    warnMs: number;
    eventIds: string[];
  }): Promise<number> {
    const rows = await sqlRows(
      this.db,
      `WITH due AS (
         SELECT c.id, c.chatbot_id, c.user_id, (c.channel_state ->> $2)::float8 AS opened,
                row_number() OVER (ORDER BY c.id) AS n
           FROM chatbots b
           JOIN conversations c ON c.chatbot_id = b.id
          WHERE b.events_url IS NOT NULL AND c.channel = $1 AND c.status IN ${OPEN_STATUSES_SQL}
            AND jsonb_typeof(c.channel_state -> $2) = 'number'
            AND (c.channel_state ->> $2)::float8 + $3 - $4 <= extract(epoch FROM now()) * 1000
            AND (c.channel_state ->> $2)::float8 + $3 > extract(epoch FROM now()) * 1000
            AND (c.channel_state -> 'window_warned_for') IS DISTINCT FROM (c.channel_state -> $2)
          ORDER BY c.id
          LIMIT cardinality($5::text[])
       ), marked AS (
         UPDATE conversations c
            SET channel_state = jsonb_set(c.channel_state, '{window_warned_for}', c.channel_state -> $2)
           FROM due d WHERE c.id = d.id
       )
       INSERT INTO outbox (id, kind, ordering_key, chatbot_id, conversation_id, payload, created_at, next_attempt_at)
       SELECT ($5::text[])[d.n], '${EVENT_KIND}', 'events:' || d.id, d.chatbot_id, d.id,
              jsonb_build_object(
                'id', ($5::text[])[d.n], 'type', 'window.expiring', 'created_at', ${isoSql('now()')}, 'chatbot_id', d.chatbot_id,
                'conversation', jsonb_build_object('id', d.id, 'channel', $1::text, 'user_id', d.user_id),
                'data', jsonb_build_object('closes_at', ${isoSql('to_timestamp((d.opened + $3) / 1000)')})),
              now(), now()
         FROM due d
       RETURNING id`,
      [w.channel, w.field, w.windowMs, w.warnMs, w.eventIds],
    );
    return rows.length;
  }

  /** Removes a conversation whose first turn failed: nothing half-written is left behind. */
  async deleteLeased(id: string, owner: string): Promise<void> {
    await sqlRows(this.db, 'DELETE FROM conversations WHERE id = $1 AND lease_owner = $2', [
      id,
      owner,
    ]);
  }

  /**
   * Hands a conversation waiting for or talking with a person back to the bot and releases
   * the lease, in one statement under the lease, its session expiring at `expiresAt` (null:
   * unchanged). False when it was not handed off.
   */
  async releaseHandoff(id: string, owner: string, expiresAt: Date | null): Promise<boolean> {
    const rows = await sqlRows<unknown>(
      this.db,
      `WITH before AS (SELECT status FROM conversations WHERE id = $1 AND lease_owner = $2)
       UPDATE conversations c
          SET status = CASE WHEN c.status IN ${HANDED_OFF_SQL} THEN 'ACTIVE' ELSE c.status END,
              session = CASE WHEN c.status IN ${HANDED_OFF_SQL}
                             THEN jsonb_set(c.session, '{status}', '"active"') ELSE c.session END,
              expires_at = CASE WHEN c.status IN ${HANDED_OFF_SQL}
                                THEN coalesce($3::timestamptz, c.expires_at) ELSE c.expires_at END,
              updated_at = now(), lease_owner = NULL, lease_until = NULL
         FROM before
        WHERE c.id = $1 AND c.lease_owner = $2
        RETURNING before.status IN ${HANDED_OFF_SQL} AS released`,
      [id, owner, expiresAt],
    );
    return (rows[0] as { released?: boolean } | undefined)?.released === true;
  }

  /**
   * Hands an open conversation to people (HANDOFF_PENDING: the bot keeps quiet) and releases
   * the lease, in one statement under the lease. False when it was not the bot's (ACTIVE)
   * or had no state yet. Its trace (a `handoff` event) is not an error: written for a preview
   * or a chatbot at trace_level `full` only (trace-level.ts).
   */
  async handOff(
    id: string,
    owner: string,
    traceId: string,
    reason: string | null,
    outbox: OutboxEntry[],
  ): Promise<boolean> {
    const rows = await sqlRows(
      this.db,
      `WITH handed AS (
         UPDATE conversations
            SET status = 'HANDOFF_PENDING', session = jsonb_set(session, '{status}', '"handoff"'),
                updated_at = now(), lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2 AND status = 'ACTIVE' AND session ? 'state'
          RETURNING id, chatbot_id, current_state, preview
       ), ob AS (
         ${enqueueOutboxSql({ entries: '$5', chatbotId: 'handed.chatbot_id', conversationId: 'handed.id', now: 'now()', from: 'handed', where: eventsOnSql('handed.chatbot_id') })}
       ), tr AS (
         INSERT INTO conversation_traces (id, conversation_id, events, duration_ms, created_at)
         SELECT $3, h.id, jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                  'type', 'handoff', 'state', h.current_state, 'source', 'api', 'reason', $4::text)))::json,
                0, now()
           FROM handed h
          WHERE ${traceKeptSql({ chatbotId: 'h.chatbot_id', preview: 'h.preview', error: 'false' })}
       ), released AS (
         UPDATE conversations SET lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2 AND NOT EXISTS (SELECT 1 FROM handed)
       )
       SELECT count(*) > 0 AS handed FROM handed`,
      [id, owner, traceId, reason, outboxEntriesJson(outbox)],
    );
    return (rows[0] as { handed?: boolean } | undefined)?.handed === true;
  }

  /**
   * Writes the turn (messages, session, trace, outbox) and releases the lease in one
   * statement. Not ok when the lease (or the turn's Idempotency-Key) was lost meanwhile: then
   * nothing was written.
   */
  commitTurn(w: TurnWrite): Promise<TurnCommit> {
    return this.commits.run(w);
  }

  /** Turns of different conversations in one statement (COMMIT_TURN_SQL), results in order. */
  private async writeTurns(ws: TurnWrite[]): Promise<TurnCommit[]> {
    const rows = await sqlRows<{ n: string; ok: string; claimed: string[]; stored: string[] }>(
      this.db,
      COMMIT_TURN_SQL,
      [JSON.stringify(ws.map(turnRow)), JSON.stringify(OPTED_OUT_ERROR)],
    );
    const byTurn = new Map(rows.map((r) => [Number(r.n), r]));
    return ws.map((_, i) => {
      const r = byTurn.get(i + 1);
      if (!r || Number(r.ok) === 0) return { ok: false };
      return { ok: true, claimedOutboxIds: r.claimed, storedOutboxIds: r.stored };
    });
  }
}

/** At most this many turns in one commit statement (and first tries in one leaseAheadSql). */
const COMMITS_PER_STATEMENT = 16;
/**
 * Statements of one kind running at once; later calls wait and go together in the next. One:
 * two at once (until the thirteenth session) made smaller statements that wrote to the same
 * last pages of the tables and their indexes at the same time, and cost the database and the
 * server more per message (docs/scaling.md › Writes grouped across users).
 */
const STATEMENTS_IN_FLIGHT = 1;

/** A turn as COMMIT_TURN_SQL reads it (one element of its $1). */
function turnRow(w: TurnWrite) {
  return {
    id: w.conversationId,
    owner: w.owner,
    session: w.session,
    state: w.session.state,
    status: w.status,
    count: w.messages.length,
    now: w.now,
    last_preview: w.lastPreview,
    expires_at: w.expiresAt,
    contact_name: w.contactName,
    messages: w.messages,
    trace_id: w.trace.id,
    trace_events: encodeTrace(w.trace.events),
    duration_ms: w.trace.durationMs,
    outbox: outboxEntriesRows(w.outbox),
    inbox_id: w.inboxEventId,
    channel_state: w.channelState === undefined ? null : JSON.stringify(w.channelState),
    claim_owner: w.outboxClaim?.owner ?? null,
    claim_ms: w.outboxClaim?.claimMs ?? null,
    trace_error: traceHasError(w.trace.events),
    held: w.outboxClaim?.held ?? null,
    request_chatbot: w.idempotencyKey?.chatbotId ?? null,
    request_key: w.idempotencyKey?.key ?? null,
    request_owner: w.idempotencyKey?.owner ?? null,
    request_answer: w.idempotencyKey?.answer ?? null,
  };
}

/** Event ids made for one delivery report (see applyDeliveryReport). */
const STATUS_EVENT_IDS = 8;

/** Conversation `c`'s session key starts with text parameter `param` (null: any key). */
const KEY_PREFIXED = (param: string) =>
  `(${param}::text IS NULL OR starts_with(c.session_key, ${param}::text))`;

/** The order of delivery statuses (failed aside, ranked with sent). */
const DELIVERY_RANK = (expr: string) =>
  `CASE ${expr} WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END`;
