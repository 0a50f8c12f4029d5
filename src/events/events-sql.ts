import { EVENT_KIND } from './conversation-event';

/**
 * Whether the chatbot `chatbotId` (an SQL expression) has an events receiver: outbox
 * entries that are events (`o.event`) are stored only then, in the same statement as the
 * change they tell of.
 */
export const eventsOnSql = (chatbotId: string) =>
  `(NOT o.event OR EXISTS (SELECT 1 FROM chatbots b WHERE b.id = ${chatbotId} AND b.events_url IS NOT NULL))`;

/** A timestamptz expression as JavaScript's toISOString writes it (what every event carries). */
export const isoSql = (expr: string) =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The INSERT that stores `message.status` events (ConversationEvent) inside another module's
 * statement, one per row of `from` (an SQL `FROM … WHERE …` clause; the caller checks that
 * the chatbot has a receiver): the other fields are SQL expressions over those rows. `error`
 * is left out of `data` when null.
 */
export function messageStatusEventsSql(p: {
  from: string;
  id: string;
  chatbotId: string;
  conversationId: string;
  channel: string;
  userId: string;
  messageId: string;
  status: string;
  error: string;
}): string {
  return `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, conversation_id, payload, created_at, next_attempt_at)
         SELECT ${p.id}, '${EVENT_KIND}', 'events:' || ${p.conversationId}, ${p.chatbotId}, ${p.conversationId},
                jsonb_build_object(
                  'id', ${p.id}, 'type', 'message.status', 'created_at', ${isoSql('now()')}, 'chatbot_id', ${p.chatbotId},
                  'conversation', jsonb_build_object('id', ${p.conversationId}, 'channel', ${p.channel}, 'user_id', ${p.userId}),
                  'data', jsonb_strip_nulls(jsonb_build_object('message_id', ${p.messageId}, 'status', ${p.status},
                                                               'error', ${p.error}))),
                now(), now()
           ${p.from}`;
}
