import { enqueueOutboxSql } from '../outbox/outbox-sql';

/**
 * The statements of a turn (also run by the `npm run bench` baseline, so that both do
 * exactly the same SQL).
 */

/** Creates an ACTIVE conversation on the chatbot's published conversation flow, leased to $6. */
export const CREATE_CONVERSATION_SQL = `INSERT INTO conversations (id, chatbot_id, channel, user_id, contact_name, status, flow_version_id,
                                  session, lease_owner, lease_until, created_at, updated_at)
       SELECT $1, f.chatbot_id, $3, $4, $5, 'ACTIVE', f.published_version_id, '{}'::jsonb,
              $6, now() + make_interval(secs => $7::float8 / 1000), $8, $8
         FROM flows f
        WHERE f.chatbot_id = $2 AND f.type = 'conversation' AND f.status = 'published'
          AND f.published_version_id IS NOT NULL
       RETURNING flow_version_id`;

/** Takes the lease if free or expired, and reads the session. */
export const LEASE_SQL = `UPDATE conversations
          SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8 / 1000)
        WHERE id = $1 AND chatbot_id = $2 AND channel = $3
          AND (lease_owner IS NULL OR lease_until < now())
       RETURNING id, chatbot_id, channel, user_id, contact_name, status, flow_version_id, session,
                 message_count, (expires_at IS NOT NULL AND expires_at < now()) AS expired, created_at`;

/** Writes the whole turn and releases the lease, only if $2 still holds it. */
export const COMMIT_TURN_SQL = `WITH conv AS (
         UPDATE conversations
            SET session = $3::jsonb, current_state = $4, status = $5,
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
       )
       SELECT count(*) AS ok FROM conv`;
