import { OPEN_STATUSES_SQL } from './conversation-status';
import {
  answerOutboundRequestsSql,
  heldOutboundRequestsSql,
} from '../agents/outbound-requests-sql';
import { markInboxEventsDoneSql } from '../inbox/inbox-sql';
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

/** The columns of a leased conversation (LeasedConversation), of row `alias` (with a dot). */
const leasedColumns = (alias = '') =>
  `${alias}id, ${alias}chatbot_id, ${alias}channel, ${alias}user_id, ${alias}contact_name, ${alias}status,
                 ${alias}flow_version_id, ${alias}session, ${alias}message_count,
                 (${alias}expires_at IS NOT NULL AND ${alias}expires_at < now()) AS expired, ${alias}created_at,
                 ${alias}channel_state, ${alias}session_key`;

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
         RETURNING ${leasedColumns()}`;

/**
 * The first try at the lease of conversation `id`, after the CTEs in `before`.
 */
const firstTry = (id: string, before = '') => `WITH ${before}leased AS (
         ${takeLease('', id)}
       ), ticket AS (
         INSERT INTO turn_waiters (conversation_id, expires_at)
         SELECT c.id, now() + make_interval(secs => $6::float8 / 1000)
           FROM conversations c
          WHERE c.id = ${id} AND ${ownedBy('c.')}
            AND NOT EXISTS (SELECT 1 FROM leased)
         RETURNING id
       )
       SELECT leased.*, ticket.id AS ticket, ${id} AS target_id
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
export const LEASE_BY_KEY_SQL = firstTry(
  '(SELECT id FROM target)',
  `target AS (
         SELECT id FROM conversations
          WHERE chatbot_id = $2 AND channel = $3 AND session_key = $1 AND status IN ${OPEN_STATUSES_SQL}
       ), `,
);

/**
 * First tries at the leases of channel sessions found by key, each after another module's
 * write `gate` and only when it says `go`, for any number of tries in one statement (tries
 * arriving at once share it: ConversationRepository.tryLeaseByKeyAfter). One round trip, and
 * one statement for several users, for the write that decides whether a turn runs (an inbox
 * event stored claimed) and the turn's first try at its lease.
 *
 * $1 the tries, a JSON array of {key, chatbot_id, channel, owner, lease_ms, ticket_ms, gate}.
 * `gate` is a query of one row with a boolean `go`, run once per try in array order, over the
 * try's `t.gate` object. One row per try, in order (`n` from 1): `gate_go` (null: no gate
 * row), and as LEASE_BY_KEY_SQL's row: the session's columns when leased, `ticket` when
 * waiting, all null when no such conversation is open; `target_id` the conversation tried.
 *
 * Tries must be of different sessions (each part of the statement sees the database as the
 * statement began, not the other tries' writes). `batch_rows` has PostgreSQL plan each try as
 * one row, so that each conversation is found by its key's index, as a single try does.
 */
export function leaseAheadSql(gate: string): string {
  return `WITH gate AS MATERIALIZED (
         SELECT b.n, t.*, g.go
           FROM batch_rows($1::jsonb) WITH ORDINALITY AS b(item, n)
                CROSS JOIN LATERAL jsonb_to_record(b.item)
                AS t(key text, chatbot_id char(26), channel text, owner text, lease_ms float8,
                     ticket_ms float8, gate jsonb)
                LEFT JOIN LATERAL (${gate}) g ON true
       ), target AS (
         SELECT gate.n, gate.owner, gate.lease_ms, gate.ticket_ms, c.id
           FROM gate JOIN conversations c
                  ON c.chatbot_id = gate.chatbot_id AND c.channel = gate.channel AND c.session_key = gate.key
                     AND c.status IN ${OPEN_STATUSES_SQL}
          WHERE gate.go
       ), leased AS (
         UPDATE conversations c
            SET lease_owner = target.owner, lease_until = now() + make_interval(secs => target.lease_ms / 1000)
           FROM target
          WHERE c.id = target.id AND (c.lease_owner IS NULL OR c.lease_until < now())
            AND NOT EXISTS (SELECT 1 FROM turn_waiters w
                             WHERE w.conversation_id = c.id AND w.expires_at > now())
         RETURNING target.n AS leased_n, ${leasedColumns('c.')}
       ), ticket AS (
         INSERT INTO turn_waiters (conversation_id, expires_at)
         SELECT target.id, now() + make_interval(secs => target.ticket_ms / 1000)
           FROM target
          WHERE NOT EXISTS (SELECT 1 FROM leased WHERE leased.leased_n = target.n)
         RETURNING conversation_id, id
       )
       SELECT gate.n, gate.go AS gate_go, leased.*, ticket.id AS ticket, target.id AS target_id
         FROM gate LEFT JOIN target ON target.n = gate.n
                   LEFT JOIN leased ON leased.leased_n = gate.n
                   LEFT JOIN ticket ON ticket.conversation_id = target.id
        ORDER BY gate.n`;
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
 * A bot message of the turn that the opt-out list holds back: one to send (`queued`), or one
 * for the request's own answer (no status: Twilio's TwiML, which then leaves it out).
 */
const HELD_BACK = `m.direction = 'outbound' AND coalesce(m.delivery_status, 'queued') = 'queued' AND ct.opted_out`;

/** Whether the user of conversation row `alias` opted out of the chatbot on its channel. */
const optedOut = (alias: string) =>
  optedOutSql({
    chatbotId: `${alias}.chatbot_id`,
    channel: `${alias}.channel`,
    userId: `${alias}.user_id`,
  });

/** The Idempotency-Key columns of a turn row `alias` of COMMIT_TURN_SQL. */
const REQUEST_KEY = (alias: string) => ({
  chatbotId: `${alias}.request_chatbot`,
  key: `${alias}.request_key`,
  owner: `${alias}.request_owner`,
});

/**
 * Writes whole turns and releases their leases, each only if its owner still holds the lease,
 * in one statement (one transaction) for any number of turns: turns committing at once share
 * it (ConversationRepository.commitTurn; docs/scaling.md › Writes grouped across users).
 * $1 the turns, a JSON array (conversation.repository.ts › turnRow); $2 the error an
 * outbound message records when its user opted out (then the turn's sends to the user are not
 * enqueued, and its queued messages are `failed` with it). A conversation closed or expired
 * meanwhile keeps its terminal status. Events are enqueued only when the chatbot has a
 * receiver. The trace is written only when the conversation is a preview or the chatbot's
 * trace_level keeps it (`full`; `errors` when the turn had an error). New outbox rows are
 * stored claimed by `claim_owner` when they may (`held`: the ids of the rows it is delivering
 * now and holds behind them; see enqueueOutboxSql). A turn that carries out an outbound
 * request's Idempotency-Key (`request_key`) commits only while `request_owner` holds the key,
 * and answers it (`request_answer`; outbound-requests-sql.ts). One row per turn, in order
 * (`n` from 1): `ok`, the ids of the outbox rows stored claimed, and of all those stored.
 *
 * The turns must be of different conversations and share no outbox ordering key: each part
 * of the statement sees the database as the statement began, not the other turns' writes.
 * `batch_rows` has PostgreSQL plan each turn as one row, so every table is probed by key.
 *
 * A turn of an inbox event (`inbox_id`) is written only while that event is still pending:
 * an instance that gave its claim back at shutdown with the turn still running, and
 * committed it late, has already processed the event another instance took over, or the
 * other way round; the second commit writes nothing but the lease's release (`ok` 0), so the
 * user's message is kept once and answered once.
 */
export const COMMIT_TURN_SQL = `WITH t AS (
         SELECT b.n, r.*,
                (r.inbox_id IS NULL OR EXISTS (SELECT 1 FROM inbox_events i
                                                WHERE i.id = r.inbox_id AND i.status = 'pending')) AS go
           FROM batch_rows($1::jsonb) WITH ORDINALITY AS b(item, n),
                jsonb_to_record(b.item)
                AS r(id char(26), owner text, session jsonb, state text, status text, count int,
                     now timestamptz, last_preview text, expires_at timestamptz, contact_name text,
                     messages jsonb, trace_id text, trace_events text, duration_ms real, outbox jsonb,
                     inbox_id char(26), channel_state text, claim_owner text, claim_ms float8,
                     trace_error boolean, held jsonb, request_chatbot char(26), request_key text,
                     request_owner text, request_answer jsonb)
       ), rq AS (
         ${heldOutboundRequestsSql({ from: 't', n: 't.n', ...REQUEST_KEY('t') })}
       ), conv AS (
         UPDATE conversations c
            SET session = t.session, current_state = t.state,
                status = CASE WHEN c.status IN ('CLOSED', 'EXPIRED') THEN c.status ELSE t.status END,
                message_count = c.message_count + t.count,
                last_message_at = CASE WHEN t.count > 0 THEN t.now ELSE c.last_message_at END,
                last_message_preview = coalesce(t.last_preview, c.last_message_preview),
                expires_at = t.expires_at, contact_name = coalesce(t.contact_name, c.contact_name),
                channel_state = coalesce(t.channel_state::jsonb, c.channel_state),
                lease_owner = NULL, lease_until = NULL, updated_at = t.now
           FROM t
          WHERE c.id = t.id AND c.lease_owner = t.owner AND t.go
            AND (t.request_key IS NULL OR t.n IN (SELECT n FROM rq))
         RETURNING c.chatbot_id, c.channel, c.user_id, c.preview, t.n
       ), spent AS (
         UPDATE conversations c SET lease_owner = NULL, lease_until = NULL
           FROM t
          WHERE c.id = t.id AND c.lease_owner = t.owner AND NOT t.go
       ), ct AS (
         SELECT conv.chatbot_id, conv.channel, conv.user_id, conv.preview, t.*,
                ${optedOut('conv')} AS opted_out
           FROM conv JOIN t ON t.n = conv.n
       ), msgs AS (
         INSERT INTO messages (id, conversation_id, seq, direction, message, state, created_at, delivery_status,
                               delivery_error, responder)
         SELECT m.id, ct.id, m.seq, m.direction, m.message, m.state, m.created_at,
                CASE WHEN ${HELD_BACK} THEN 'failed' ELSE m.delivery_status END,
                CASE WHEN ${HELD_BACK} THEN $2::jsonb END,
                m.responder
           FROM ct, jsonb_to_recordset(ct.messages)
                AS m(id text, seq int, direction text, message jsonb, state text, created_at timestamptz,
                     delivery_status text, responder text)
       ), tr AS (
         INSERT INTO conversation_traces (id, conversation_id, events, duration_ms, created_at)
         SELECT ct.trace_id, ct.id, ct.trace_events::json, ct.duration_ms, ct.now FROM ct
          WHERE ${traceKeptSql({ chatbotId: 'ct.chatbot_id', preview: 'ct.preview', error: 'ct.trace_error' })}
       ), ob AS (
         ${enqueueOutboxSql({ entries: 'ct.outbox', chatbotId: 'ct.chatbot_id', conversationId: 'ct.id', now: 'ct.now', from: 'ct', where: `NOT (o.to_user AND ct.opted_out) AND ${eventsOnSql('ct.chatbot_id')}`, claimBy: { owner: 'ct.claim_owner', ms: 'ct.claim_ms', held: 'ARRAY(SELECT jsonb_array_elements_text(ct.held))' } })}
       ), ib AS (
         ${markInboxEventsDoneSql({ from: 'ct', id: 'ct.inbox_id', now: 'ct.now' })}
       ), ra AS (
         ${answerOutboundRequestsSql({ from: 'ct', answer: 'ct.request_answer', ...REQUEST_KEY('ct') })}
       )
       SELECT t.n, (SELECT count(*) FROM conv WHERE conv.n = t.n) AS ok,
              (SELECT coalesce(jsonb_agg(ob.id), '[]'::jsonb) FROM ob WHERE ob.conversation_id = t.id AND ob.claimed) AS claimed,
              (SELECT coalesce(jsonb_agg(ob.id), '[]'::jsonb) FROM ob WHERE ob.conversation_id = t.id) AS stored
         FROM t ORDER BY t.n`;
