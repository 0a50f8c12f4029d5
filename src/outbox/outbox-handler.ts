import type { MessagesDelivery } from '../conversation/messages-delivered-sql';

/** One claimed outbox row, as its handler sees it. */
export interface OutboxDelivery {
  id: string;
  kind: string;
  chatbotId: string;
  conversationId: string | null;
  /** Rows with the same key are delivered one at a time, in order (OutboxEntry.orderingKey). */
  orderingKey: string;
  payload: unknown;
  /** 1 on the first try. */
  attempt: number;
  /**
   * Stored claimed by the turn that enqueued it and handed over right after its commit: what
   * that commit checked (the user had not opted out) is milliseconds old.
   */
  claimedInCommit?: boolean;
  /** The handler's `claimCheck`, as the statement that claimed the row found it. */
  claimCheck?: boolean;
}

/**
 * What one delivery attempt came to. `record`: the attempt's result on the messages it
 * carried (sent, or failed), written in the statement that ends the attempt, only if this
 * instance still holds the claim.
 */
export type DeliveryResult = (
  | { ok: true; detail?: string }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number }
) & { record?: MessagesDelivery };

/**
 * Delivers one kind of outbox row (`api_call`, a channel's send…). Stateless: registered
 * once in the OutboxHandlers registry and called for every row of its kind.
 */
export interface OutboxHandler {
  readonly kind: string;
  /** Tries before the row is marked failed (the server's OUTBOX_MAX_ATTEMPTS when absent). */
  readonly maxAttempts?: number;
  /** Deliveries of this kind in flight per chatbot (the server's OUTBOX_PER_CHATBOT when absent). */
  readonly perChatbot?: number;
  /**
   * A condition on the row (`o`, a row of the outbox) evaluated in the statement that claims
   * it after its turn's commit (an SMS send: its number opted out), handed to `deliver` as
   * `claimCheck`: a query fewer per delivery.
   */
  readonly claimCheck?: string;
  deliver(delivery: OutboxDelivery): Promise<DeliveryResult>;
}
