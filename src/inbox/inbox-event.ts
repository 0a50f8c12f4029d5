import type { EarlyLease } from '../conversation/inbound-turn';

/** A provider event as a webhook hands it to the inbox. */
export interface NewInboxEvent {
  integrationId: string;
  chatbotId: string;
  channel: string;
  /** The provider's id for the event (WhatsApp `wamid`, an SMS id…): stored once. */
  providerMessageId: string;
  /** `message` starts a turn; notification kinds (`status`, `opt_out`…) do not. */
  kind: string;
  /**
   * Events with one key are processed one at a time in arrival order: the user (or USSD
   * session) for messages. Null: independent of every other event (delivery statuses).
   */
  sessionKey: string | null;
  payload: unknown;
}

/** A claimed event, as its handler sees it. */
export interface InboxEvent {
  id: string;
  integrationId: string;
  chatbotId: string;
  channel: string;
  kind: string;
  sessionKey: string | null;
  payload: unknown;
  attempt: number;
  /**
   * The turn's first try at its session's lease, made in the statement that stored the event
   * (InboxService.acceptAndProcess): for the handler to give its turn. Only in memory.
   */
  earlyLease?: EarlyLease;
}

/**
 * Handles one kind of inbox event. A `message` handler runs the turn with `inboxEventId`, so
 * the turn's commit marks the event done (and says so: 'committed'); other events are marked
 * done by the inbox after `handle` returns. Throwing retries the event later (and fails it after the last attempt).
 */
export interface InboxHandler {
  readonly kind: string;
  /** Resolves to 'committed' when a turn already marked the event done (saves a statement). */
  handle(event: InboxEvent): Promise<'committed' | void>;
}

/** A handler's way to say "never retry this": the event is failed with the reason at once. */
export class InboxEventRejected extends Error {}
