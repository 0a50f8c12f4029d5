import type { GenericMessage } from '../engine';
import { eventEntry, type EventConversation } from '../events/conversation-event';
import type { OutboxEntry } from '../outbox/outbox-entry';
import { isHandedOff, type ConversationStatus } from './conversation-status';

/** What a turn changed, as its events tell it (see eventEntry). */
export interface TurnChange {
  conversation: EventConversation;
  /** Null for a new session's first turn. */
  before: ConversationStatus | null;
  after: ConversationStatus;
  stateAfter: string | null;
  /** The rendered reason of the flow's HANDOFF, when it gave one (TurnResult.handoffReason). */
  handoffReason?: string;
  /** The user's message and its row id, when the turn had one. */
  inbound: { id: string; message: GenericMessage } | null;
  at: Date;
}

/**
 * The events of a turn, for the chatbot's receiver (a helpdesk): the flow handed the
 * conversation to people; a user wrote while people have it (the bot stays quiet, so the
 * helpdesk must show it); the conversation ended.
 */
export function turnEvents(c: TurnChange, newId: () => string): OutboxEntry[] {
  const events: OutboxEntry[] = [];
  if (isHandedOff(c.before) && c.inbound)
    events.push(
      eventEntry(
        newId(),
        'message.received',
        c.conversation,
        { message_id: c.inbound.id, message: c.inbound.message },
        c.at,
      ),
    );
  if (!isHandedOff(c.before) && c.after === 'HANDOFF_PENDING')
    events.push(
      eventEntry(
        newId(),
        'handoff.requested',
        c.conversation,
        { state: c.stateAfter, source: 'flow', reason: c.handoffReason ?? null },
        c.at,
      ),
    );
  if (c.before !== 'CLOSED' && c.after === 'CLOSED')
    events.push(
      eventEntry(newId(), 'conversation.closed', c.conversation, { state: c.stateAfter }, c.at),
    );
  return events;
}
