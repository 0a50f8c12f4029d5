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
 * it belongs to, as messagesDeliveredSql reads them.
 */
export function deliveredRows(
  ends: ReadonlyArray<{ id: string; record?: MessagesDelivery }>,
): object[] {
  return ends.flatMap(({ id: endId, record }) => {
    if (!record) return [];
    const outcome =
      record.status === 'sent'
        ? {
            status: 'sent',
            provider_message_id: record.providerMessageId,
            segments: record.segments,
            sent_via: record.sentVia,
          }
        : { status: 'failed', error: record.error };
    return record.messageIds.map((id) => ({ id, end_id: endId, ...outcome }));
  });
}

/**
 * The UPDATE recording messages' sends, each when `only` (a condition of the host statement
 * over the row `d`) holds: `sent` moves only a queued message; `failed` any. `records` is a
 * jsonb parameter (deliveredRows), read through `batch_rows` so that each message is found by
 * its key (an index probe whatever the table's statistics): one statement text for any number
 * of messages and either outcome.
 */
export function messagesDeliveredSql(records: string, only: string): string {
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
                     sent_via char(26), error jsonb)
          WHERE m.id = d.id AND (d.status = 'failed' OR m.delivery_status = 'queued') AND ${only}`;
}
