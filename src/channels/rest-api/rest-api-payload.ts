import { newId } from '../../common/new-id';
import type { GenericMessage } from '../../engine';
import type { OutboxEntry } from '../../outbox/outbox-entry';

/** The outbox kind that POSTs replies to a rest-api integration's webhook_url. */
export const REST_API_REPLY_KIND = 'rest_api.reply';

/** What an outbox row of kind `rest_api.reply` carries. */
export interface RestApiReplyPayload {
  integrationId: string;
  userId: string;
  /** The replies, in order, as the flow (or a person) wrote them. */
  messages: GenericMessage[];
  /** The stored message rows they are: marked sent or failed by the delivery. */
  messageIds: string[];
  /** When they were written (ISO 8601): the same on every attempt. */
  createdAt: string;
}

/** The JSON body POSTed to webhook_url (signed over its exact bytes). */
export interface RestApiWebhookBody {
  /** The delivery's id, also `X-Sarufi-Event-Id`: the same on every retry, so dedupe by it. */
  id: string;
  chatbot_id: string;
  integration_id: string;
  conversation_id: string;
  user_id: string;
  messages: GenericMessage[];
  /** The ids of `messages` in the conversation's history (GET .../conversations/{cid}/messages). */
  message_ids: string[];
  created_at: string;
}

/**
 * The delivery of one batch of replies (a turn's, or a person's message) to one user: one
 * POST, in order after every earlier one to that user of that integration (the ordering key).
 * None for no replies.
 */
export function restApiReply(
  integrationId: string,
  userId: string,
  messages: readonly GenericMessage[],
  messageIds: readonly string[],
  at: Date,
  makeId: () => string = newId,
): OutboxEntry[] {
  if (messages.length === 0) return [];
  const payload: RestApiReplyPayload = {
    integrationId,
    userId,
    messages: [...messages],
    messageIds: [...messageIds],
    createdAt: at.toISOString(),
  };
  return [
    {
      id: makeId(),
      kind: REST_API_REPLY_KIND,
      orderingKey: `rest-api:${integrationId}:${userId}`,
      payload,
      toUser: true,
    },
  ];
}

/**
 * The body of one delivery: the row's id, chatbot and conversation (known once the turn is
 * committed) with what the row carries. Pure, and the same bytes on every attempt: the first
 * try reads the payload as the turn made it, a retry as the database kept it (jsonb orders
 * keys its own way), so the messages' keys are put in one order (`type` first, then by name).
 * Only the signature's timestamp changes between attempts.
 */
export function restApiWebhookBody(
  delivery: { id: string; chatbotId: string; conversationId: string },
  p: RestApiReplyPayload,
): RestApiWebhookBody {
  return {
    id: delivery.id,
    chatbot_id: delivery.chatbotId,
    integration_id: p.integrationId,
    conversation_id: delivery.conversationId,
    user_id: p.userId,
    messages: p.messages.map((m) => ordered(m) as GenericMessage),
    message_ids: p.messageIds,
    created_at: p.createdAt,
  };
}

/** A JSON value with its objects' keys in one order: `type` first, then by name. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value).sort((a, b) =>
    a === 'type' ? -1 : b === 'type' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(keys.map((k) => [k, ordered((value as Record<string, unknown>)[k])]));
}
