import { OPEN_STATUSES_SQL } from './conversation-status';
import { markInboxEventDoneSql } from '../inbox/inbox-sql';
import { enqueueOutboxSql } from '../outbox/outbox-sql';
import { optedOutSql } from '../opt-outs/opt-outs-sql';
import { eventsOnSql } from '../events/events-sql';
import { traceKeptSql } from './trace-level';

/**
 * The statements of a turn (also run by the `npm run bench` baseline, so that both do
 * exactly the same SQL). Each names its parameters where it is defined.
 */

/**
 * Creates an ACTIVE conversation on the chatbot's published conversation flow, leased to $6.
 * $1 id, $2 chatbot, $3 channel, $4 user id, $5 contact name, $6 lease owner, $7 lease ms,
 * $8 now, $9 session key (null for Chat API sessions). No row: no published flow, or
 * (with a key) another open conversation has that key.
 */
export const CREATE_CONVERSATION_SQL = `INSERT INTO conversations (id, chatbot_id, channel, user_id, contact_name, status, flow_version_id,
                                  session, lease_owner, lease_until, created_at, updated_at, session_key)
       SELECT $1, f.chatbot_id, $3, $4, $5, 'ACTIVE', f.published_version_id, '{}'::jsonb,
              $6, now() + make_interval(secs => $7::float8 / 1000), $8, $8, $9
         FROM flows f
        WHERE f.chatbot_id = $2 AND f.type = 'conversation' AND f.status = 'published'
          AND f.published_version_id IS NOT NULL
       ON CONFLICT DO NOTHING
       RETURNING flow_version_id`;

/** CREATE_CONVERSATION_SQL for a preview run: on version $10 (a draft's snapshot), marked. */
export const CREATE_PREVIEW_CONVERSATION_SQL = `INSERT INTO conversations (id, chatbot_id, channel, user_id, contact_name, status, flow_version_id,
                                  session, lease_owner, lease_until, created_at, updated_at, session_key, preview)
       SELECT $1, v.chatbot_id, $3, $4, $5, 'ACTIVE', v.id, '{}'::jsonb,
              $6, now() + make_interval(secs => $7::float8 / 1000), $8, $8, $9, true
         FROM flow_versions v
        WHERE v.id = $10 AND v.chatbot_id = $2
       RETURNING flow_version_id`;

const LEASED_COLUMNS = `id, chatbot_id, channel, user_id, contact_name, status, flow_version_id, session,
                 message_count, (expires_at IS NOT NULL AND expires_at < now()) AS expired, created_at, channel_state,
                 session_key`;

/**
 * Conversation `alias` (with a dot, or empty) belongs to chatbot $2 and channel $3 (null: any),
 * checked on the row found by its id: the chatbot is compared as text, which no index serves,
 * so that PostgreSQL finds the row through the primary key whatever its statistics say (on a
 * table not yet analyzed it read the chatbot's every conversation through
 * conversations_user_idx instead: docs/scaling.md › Plans that hold at any table size).
 */
const ownedBy = (alias = '') =>
  `${alias}chatbot_id::text = $2::text AND ($3::text IS NULL OR ${alias}channel = $3)`;

/**
 * The lease update: `id` the conversation (a parameter or a subquery), $2 chatbot, $3 channel
 * (null: any), $4 owner, $5 lease ms.
 */
const takeLease = (waiters: string, id = '$1') => `UPDATE conversations
            SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8 / 1000)
          WHERE id = ${id} AND ${ownedBy()}
            AND (lease_owner IS NULL OR lease_until < now())
            AND NOT EXISTS (SELECT 1 FROM turn_waiters w
                             WHERE w.conversation_id = ${id} AND w.expires_at > now() ${waiters})
         RETURNING ${LEASED_COLUMNS}`;

/**
 * The first try at the lease of conversation `id`, after the CTEs in `before`, selecting
 * `also` besides.
 */
const firstTry = (id: string, before = '', also = '') => `WITH ${before}leased AS (
         ${takeLease('', id)}
       ), ticket AS (
         INSERT INTO turn_waiters (conversation_id, expires_at)
         SELECT c.id, now() + make_interval(secs => $6::float8 / 1000)
           FROM conversations c
          WHERE c.id = ${id} AND ${ownedBy('c.')}
            AND NOT EXISTS (SELECT 1 FROM leased)
         RETURNING id
       )
       SELECT leased.*, ticket.id AS ticket, ${id} AS target_id${also}
         FROM (VALUES (1)) AS one LEFT JOIN leased ON true LEFT JOIN ticket ON true`;

/**
 * A message's first try, on arrival: takes the lease if it is free and nobody is waiting
 * for it, and reads the session; else takes a place in line (a waiter row, valid for $6 ms).
 * Always one row: the session's columns when leased, `ticket` when waiting, all null when
 * there is no such conversation; `target_id` the conversation tried.
 * $1 id, $2 chatbot, $3 channel (null: any), $4 owner, $5 lease ms, $6 ticket ms.
 */
export const LEASE_SQL = firstTry('$1');

/**
 * The same for a channel session found by key in the same statement: the open conversation
 * of $1 key on $2 chatbot and $3 channel (not null here).
 */
export const LEASE_BY_KEY_SQL = leaseByKeySql();

/**
 * LEASE_BY_KEY_SQL after another module's statement `gate` (a query of one row with a
 * boolean `go`, its parameters from $7), tried only when `go` is true, and selecting it as
 * `gate_go` (null: no row). One round trip for the write that decides whether a turn runs
 * (an inbox event stored claimed) and the turn's first try at its lease.
 */
export function leaseByKeySql(gate?: string): string {
  return firstTry(
    '(SELECT id FROM target)',
    `${gate ? `gate AS MATERIALIZED (${gate}), ` : ''}target AS (
         SELECT id FROM conversations
          WHERE chatbot_id = $2 AND channel = $3 AND session_key = $1
            AND status IN ${OPEN_STATUSES_SQL}${gate ? ' AND (SELECT go FROM gate)' : ''}
       ), `,
    gate ? ', (SELECT go FROM gate) AS gate_go' : '',
  );
}

/**
 * A waiting message's next try: takes the lease if it is free and no live waiter came
 * earlier, and gives up its place in line (sweeping expired places) in the same statement.
 * $1 id, $2 chatbot, $3 channel (null: any), $4 owner, $5 lease ms, $6 ticket.
 */
export const LEASE_WITH_TICKET_SQL = `WITH leased AS (
         ${takeLease('AND w.id < $6::bigint')}
       ), served AS (
         DELETE FROM turn_waiters
          WHERE conversation_id = $1 AND (id = $6::bigint OR expires_at < now())
            AND EXISTS (SELECT 1 FROM leased)
       )
       SELECT * FROM leased`;

/**
 * Writes the whole turn and releases the lease, only if $2 still holds it. A conversation
 * closed or expired meanwhile keeps its terminal status.
 * $1 id, $2 owner, $3 session json, $4 state, $5 status, $6 message count, $7 now,
 * $8 preview, $9 expires at, $10 contact name, $11 messages json, $12 trace id,
 * $13 trace events (stored form: trace-codec.ts), $14 duration ms, $15 outbox entries json, $16 inbox event id or null,
 * $17 channel state json (null keeps it), $18 the outbox dispatcher that takes the new outbox
 * rows at once (null: none), $19 its claim ms, $22 the ordering keys it is delivering now
 * (text[]: rows it may take behind its own, see enqueueOutboxSql), $20 the error an outbound
 * message records when its user opted out (then the turn's sends to the user are not
 * enqueued, and its queued messages are `failed` with it), $21 whether the turn had an
 * error (trace-level.ts: traceHasError). Events are enqueued only when the chatbot has a
 * receiver. The trace ($12–$14) is written only when the conversation is a preview or the
 * chatbot's trace_level keeps it (`full`; `errors` when $21). Returns `ok`, the ids of the
 * outbox rows stored claimed, and of all those stored.
 */
export const COMMIT_TURN_SQL = `WITH conv AS (
         UPDATE conversations
            SET session = $3::jsonb, current_state = $4,
                status = CASE WHEN status IN ('CLOSED', 'EXPIRED') THEN status ELSE $5 END,
                message_count = message_count + $6, last_message_at = CASE WHEN $6 > 0 THEN $7 ELSE last_message_at END,
                last_message_preview = coalesce($8, last_message_preview), expires_at = $9,
                contact_name = coalesce($10, contact_name), channel_state = coalesce($17::jsonb, channel_state),
                lease_owner = NULL, lease_until = NULL, updated_at = $7
          WHERE id = $1 AND lease_owner = $2
         RETURNING id, chatbot_id, channel, user_id, preview
       ), opted AS (
         -- A scalar subquery below, evaluated when needed: a turn queuing no reply (Chat API) skips it.
         SELECT ${optedOutSql({ chatbotId: 'conv.chatbot_id', channel: 'conv.channel', userId: 'conv.user_id' })} AS out FROM conv
       ), msgs AS (
         INSERT INTO messages (id, conversation_id, seq, direction, message, state, created_at, delivery_status,
                               delivery_error, responder)
         SELECT m.id, conv.id, m.seq, m.direction, m.message, m.state, m.created_at,
                CASE WHEN m.delivery_status = 'queued' AND (SELECT out FROM opted) THEN 'failed'
                     ELSE m.delivery_status END,
                CASE WHEN m.delivery_status = 'queued' AND (SELECT out FROM opted) THEN $20::jsonb END,
                m.responder
           FROM conv, jsonb_to_recordset($11::jsonb)
                AS m(id text, seq int, direction text, message jsonb, state text, created_at timestamptz,
                     delivery_status text, responder text)
       ), tr AS (
         INSERT INTO conversation_traces (id, conversation_id, events, duration_ms, created_at)
         SELECT $12, conv.id, $13::json, $14, $7 FROM conv
          WHERE ${traceKeptSql({ chatbotId: 'conv.chatbot_id', preview: 'conv.preview', error: '$21::boolean' })}
       ), ob AS (
         ${enqueueOutboxSql({ entries: '$15', chatbotId: 'conv.chatbot_id', conversationId: 'conv.id', now: '$7', from: 'conv', where: `NOT (o.to_user AND (SELECT out FROM opted)) AND ${eventsOnSql('conv.chatbot_id')}`, claimBy: { owner: '$18', ms: '$19', ownKeys: '$22' } })}
       ), ib AS (
         ${markInboxEventDoneSql({ id: '$16', now: '$7', from: 'conv' })}
       )
       SELECT (SELECT count(*) FROM conv) AS ok,
              (SELECT coalesce(jsonb_agg(id), '[]'::jsonb) FROM ob WHERE claimed) AS claimed,
              (SELECT coalesce(jsonb_agg(id), '[]'::jsonb) FROM ob) AS stored`;
