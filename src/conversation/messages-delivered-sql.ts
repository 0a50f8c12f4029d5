import { messageStatusEventsSql } from '../events/events-sql';

/**
 * Why a message was not delivered: the provider's code as the provider gives it (Meta's are
 * numbers, `131026`; an SMS gateway's may be names) or one of ours (`opted_out`, `no_answer`),
 * and a title for people.
 */
export interface DeliveryError {
  code: string | number;
  title: string;
}

/**
 * What a channel's send did to the messages it carried (`sent` with the provider's id, the
 * segment count and the integration it went through, or `failed` with its error), written by
 * the statement that ends the outbox delivery, only if that delivery was still the ending
 * instance's (outbox.repository.ts › finishMany).
 */
export type MessagesDelivery =
  | {
      messageIds: readonly string[];
      status: 'sent';
      providerMessageId: string | null;
      segments: number | null;
      /** The integration that sent them, whose delivery reports alone may update them (SMS). */
      sentVia: string | null;
    }
  | { messageIds: readonly string[]; status: 'failed'; error: DeliveryError };

/**
 * The messages of attempts' records, one row each with the attempt (`end_id`, an outbox row id)
 * it belongs to, as messagesDeliveredSql reads them; a failed message with the id of the
 * `message.status` event that may tell of it (`event_id`, from `newId`).
 */
export function deliveredRows(
  ends: ReadonlyArray<{ id: string; record?: MessagesDelivery }>,
  newId: () => string,
): object[] {
  return ends.flatMap(({ id: endId, record }): object[] => {
    if (!record) return [];
    if (record.status === 'failed')
      return record.messageIds.map((id) => ({
        id,
        end_id: endId,
        status: 'failed',
        error: record.error,
        event_id: newId(),
      }));
    return record.messageIds.map((id) => ({
      id,
      end_id: endId,
      status: 'sent',
      provider_message_id: record.providerMessageId,
      segments: record.segments,
      sent_via: record.sentVia,
    }));
  });
}

/**
 * The UPDATE recording messages' sends, each when `only` (a condition of the host statement
 * over the row `d`) holds: `sent` moves only a queued message; `failed` any. `records` is a
 * jsonb parameter (deliveredRows), read through `batch_rows` so that each message is found by
 * its key (an index probe whatever the table's statistics): one statement text for any number
 * of messages and either outcome. With `told`, the name of a step of the host statement, that
 * step (failedStatusEventsSql) tells the receiver of each message it made `failed`: the UPDATE
 * then returns its rows, which a batch of sends alone does not pay for.
 */
export function messagesDeliveredSql(records: string, only: string, told?: boolean): string {
  return `UPDATE messages m
            SET delivery_status = d.status,
                provider_message_id = CASE WHEN d.status = 'sent' THEN d.provider_message_id
                                           ELSE m.provider_message_id END,
                segments = CASE WHEN d.status = 'sent' THEN d.segments ELSE m.segments END,
                sent_via = CASE WHEN d.status = 'sent' THEN d.sent_via ELSE m.sent_via END,
                delivery_error = CASE WHEN d.status = 'failed' THEN d.error ELSE m.delivery_error END
           FROM batch_rows(${records}::jsonb) AS b(item),
                jsonb_to_record(b.item)
                AS d(id char(26), end_id char(26), status text, provider_message_id text, segments int,
                     sent_via char(26), error jsonb, event_id char(26))
          WHERE m.id = d.id AND (d.status = 'failed' OR m.delivery_status = 'queued') AND ${only}
          ${told ? 'RETURNING m.id, m.conversation_id, d.status, d.error, d.event_id' : ''}`;
}

/**
 * The `message.status` events (status `failed`, with the error, as a provider's report
 * writes them) of the messages that the step `updated` (messagesDeliveredSql with `told`)
 * made failed, stored in the same statement, only when the chatbot has a receiver: a failure
 * the channel met sending (a refused send, an opted-out user, a webhook that never took it)
 * is told as one reported later is. A message that was failed already is not told again
 * (`old` reads it as the statement found it: the steps of one statement share its snapshot).
 */
export function failedStatusEventsSql(updated: string): string {
  return messageStatusEventsSql({
    from: `FROM ${updated} u
           JOIN messages old ON old.id = u.id
           JOIN conversations c ON c.id = u.conversation_id
          WHERE u.status = 'failed' AND old.delivery_status IS DISTINCT FROM 'failed'
            AND EXISTS (SELECT 1 FROM chatbots b WHERE b.id = c.chatbot_id AND b.events_url IS NOT NULL)`,
    id: 'u.event_id',
    chatbotId: 'c.chatbot_id',
    conversationId: 'c.id',
    channel: 'c.channel',
    userId: 'c.user_id',
    messageId: 'u.id',
    status: "'failed'",
    error: 'u.error',
  });
}
