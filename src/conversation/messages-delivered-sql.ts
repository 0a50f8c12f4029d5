/**
 * What a channel's send did to the messages it carried (`sent` with the provider's id and the
 * segment count, or `failed` with its error), written by the statement that ends the outbox
 * delivery, only if that delivery was still the ending instance's (outbox.repository.ts ›
 * finishMany).
 */
export type MessagesDelivery =
  | {
      messageIds: readonly string[];
      status: 'sent';
      providerMessageId: string | null;
      segments: number | null;
    }
  | { messageIds: readonly string[]; status: 'failed'; error: { code: string; title: string } };

/** One message's part of a MessagesDelivery, as messageDeliveredSql's parameters. */
export interface MessageDelivered {
  id: string;
  status: 'sent' | 'failed';
  providerMessageId: string | null;
  segments: number | null;
  /** JSON text of the error (`failed`). */
  error: string | null;
}

export function messagesDelivered(d: MessagesDelivery): MessageDelivered[] {
  return d.messageIds.map((id) =>
    d.status === 'sent'
      ? {
          id,
          status: 'sent',
          providerMessageId: d.providerMessageId,
          segments: d.segments,
          error: null,
        }
      : {
          id,
          status: 'failed',
          providerMessageId: null,
          segments: null,
          error: JSON.stringify(d.error),
        },
  );
}

/**
 * The UPDATE recording one message's send, when `only` (a condition of the host statement)
 * holds: `sent` moves only a queued message; `failed` any. The same text for either outcome,
 * and the message found by equality on its key (an index probe whatever the table's
 * statistics), so that a statement of n such steps is one prepared statement for any batch.
 * `p` holds SQL placeholders; `id` null: the step writes nothing (an unused slot).
 */
export function messageDeliveredSql(
  p: Record<'id' | 'status' | 'providerMessageId' | 'segments' | 'error', string>,
  only: string,
): string {
  return `UPDATE messages
            SET delivery_status = ${p.status}::text,
                provider_message_id = CASE WHEN ${p.status}::text = 'sent' THEN ${p.providerMessageId}::text
                                           ELSE provider_message_id END,
                segments = CASE WHEN ${p.status}::text = 'sent' THEN ${p.segments}::int ELSE segments END,
                delivery_error = CASE WHEN ${p.status}::text = 'failed' THEN ${p.error}::jsonb
                                      ELSE delivery_error END
          WHERE id = ${p.id}::bpchar AND (${p.status}::text = 'failed' OR delivery_status = 'queued')
            AND ${only}`;
}
