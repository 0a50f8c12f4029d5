import type { OutboxEntry } from '../outbox/outbox-entry';

/** The events a chatbot's receiver gets (http-api.md, "Human agents…"). */
export type ConversationEventType =
  'handoff.requested' | 'message.received' | 'message.sent' | 'conversation.closed';

/** Which conversation an event is about. */
export interface EventConversation {
  id: string;
  chatbotId: string;
  channel: string;
  userId: string;
}

/** The JSON body POSTed to the receiver. `id` is unique and kept across retries: dedupe by it. */
export interface ConversationEvent {
  id: string;
  type: ConversationEventType;
  created_at: string;
  chatbot_id: string;
  conversation: { id: string; channel: string; user_id: string };
  data: Record<string, unknown>;
}

export const EVENT_KIND = 'event';

/** The conversation of a row of `conversations`. */
export const eventConversation = (row: {
  id: string;
  chatbot_id: string;
  channel: string;
  user_id: string;
}): EventConversation => ({
  id: row.id,
  chatbotId: row.chatbot_id,
  channel: row.channel,
  userId: row.user_id,
});

/**
 * An event as an outbox entry: delivered in order per conversation, retried; stored only
 * when the chatbot has a receiver (see eventsOnSql). The entry id is the event id.
 */
export function eventEntry(
  id: string,
  type: ConversationEventType,
  c: EventConversation,
  data: Record<string, unknown>,
  at: Date,
): OutboxEntry {
  const event: ConversationEvent = {
    id,
    type,
    created_at: at.toISOString(),
    chatbot_id: c.chatbotId,
    conversation: { id: c.id, channel: c.channel, user_id: c.userId },
    data,
  };
  return { id, kind: EVENT_KIND, orderingKey: `events:${c.id}`, payload: event, event: true };
}
