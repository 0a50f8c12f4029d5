import { markInboxEventDoneSql } from '../inbox/inbox-sql';
import { enqueueOutboxSql } from '../outbox/outbox-sql';

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

/**
 * Takes the lease if free or expired, and reads the session.
 * $1 id, $2 chatbot, $3 channel (null: any), $4 owner, $5 lease ms.
 */
export const LEASE_SQL = `UPDATE conversations
          SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8 / 1000)
        WHERE id = $1 AND chatbot_id = $2 AND ($3::text IS NULL OR channel = $3)
          AND (lease_owner IS NULL OR lease_until < now())
       RETURNING id, chatbot_id, channel, user_id, contact_name, status, flow_version_id, session,
                 message_count, (expires_at IS NOT NULL AND expires_at < now()) AS expired, created_at`;

/**
 * Writes the whole turn and releases the lease, only if $2 still holds it. A conversation
 * closed or expired meanwhile keeps its terminal status.
 * $1 id, $2 owner, $3 session json, $4 state, $5 status, $6 message count, $7 now,
 * $8 preview, $9 expires at, $10 contact name, $11 messages json, $12 trace id,
 * $13 trace events json, $14 duration ms, $15 outbox entries json, $16 inbox event id or null.
 */
export const COMMIT_TURN_SQL = `WITH conv AS (
         UPDATE conversations
            SET session = $3::jsonb, current_state = $4,
                status = CASE WHEN status IN ('CLOSED', 'EXPIRED') THEN status ELSE $5 END,
                message_count = message_count + $6, last_message_at = CASE WHEN $6 > 0 THEN $7 ELSE last_message_at END,
                last_message_preview = coalesce($8, last_message_preview), expires_at = $9,
                contact_name = coalesce($10, contact_name), lease_owner = NULL, lease_until = NULL, updated_at = $7
          WHERE id = $1 AND lease_owner = $2
         RETURNING id
       ), msgs AS (
         INSERT INTO messages (id, conversation_id, seq, direction, message, state, created_at)
         SELECT m.id, conv.id, m.seq, m.direction, m.message, m.state, m.created_at
           FROM conv, jsonb_to_recordset($11::jsonb)
                AS m(id text, seq int, direction text, message jsonb, state text, created_at timestamptz)
       ), tr AS (
         INSERT INTO conversation_traces (id, conversation_id, events, duration_ms, created_at)
         SELECT $12, conv.id, $13::jsonb, $14, $7 FROM conv
       ), ob AS (
         ${enqueueOutboxSql({ entries: '$15', chatbotId: 'c.chatbot_id', conversationId: 'conv.id', now: '$7', from: 'conv JOIN conversations c ON c.id = conv.id' })}
       ), ib AS (
         ${markInboxEventDoneSql({ id: '$16', now: '$7', from: 'conv' })}
       )
       SELECT count(*) AS ok FROM conv`;
