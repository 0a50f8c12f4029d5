/**
 * One durable delivery, as a producer (a turn, an agent reply, an outbound message) hands it
 * to the outbox. Rows with the same `orderingKey` are delivered one at a time, in the order
 * they were enqueued; a failing head delays only its own key.
 */
export interface OutboxEntry {
  id: string;
  /** Which handler delivers it: `api_call` today, channel sends next. */
  kind: string;
  /** Serialises deliveries: e.g. `whatsapp:<integration>:<recipient>`; the row id when order does not matter. */
  orderingKey: string;
  payload: unknown;
  /**
   * A message to the conversation's user (a channel send): a turn does not enqueue it when
   * the user opted out (see COMMIT_TURN_SQL).
   */
  toUser?: boolean;
  /** A conversation event: stored only when the chatbot has an events receiver. */
  event?: boolean;
}
