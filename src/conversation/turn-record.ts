import type { GenericMessage, SessionState, TraceEvent } from '../engine';
import type { OutboxEntry } from '../outbox/outbox-entry';
import type { ConversationStatus } from './conversation-status';
import type { StoredMessage } from './conversation.repository';
import type { ChannelSends } from './inbound-turn';
import { messagePreview } from './message-preview';

/** What a turn produced, as the pure builder below needs it. */
export interface TurnFacts {
  /** Messages already stored in the conversation (the next seq). */
  messageCount: number;
  inbound: GenericMessage | null;
  outbound: GenericMessage[];
  stateBefore: string | null;
  stateAfter: string | null;
  status: ConversationStatus;
  /** Minutes of inactivity after which the session expires (the flow's setting). */
  timeoutMinutes: number;
  trace: unknown[];
  /** API calls the flow deferred (fire-and-forget), to deliver through the outbox. */
  deferredCalls: unknown[];
  /** The channel's deliveries of the replies, when it sends them (see InboundTurn.sends). */
  sends?: ChannelSends;
  now: Date;
  newId: () => string;
  /**
   * The bot's messages are not the answer to a request (a release at a state, an outbound
   * message): stored with responder BOT, which the widget's event stream sends.
   */
  pushed?: boolean;
}

/** The rows one turn writes (everything but the session json, which the engine returns). */
export interface TurnRecord {
  messages: StoredMessage[];
  lastPreview: string | null;
  expiresAt: Date | null;
  outbox: OutboxEntry[];
  trace: { id: string; events: unknown[] };
}

/**
 * Builds what a turn writes, without I/O: the inbound and outbound message rows in sequence,
 * the preview, when the session expires (never once closed), the outbox entries and the trace.
 */
export function buildTurnRecord(f: TurnFacts): TurnRecord {
  const at = f.now.toISOString();
  const messages: StoredMessage[] = [];
  let seq = f.messageCount;
  if (f.inbound)
    messages.push({
      id: f.newId(),
      seq: seq++,
      direction: 'inbound',
      message: f.inbound,
      state: f.stateBefore,
      created_at: at,
    });
  for (const message of f.outbound)
    messages.push({
      id: f.newId(),
      seq: seq++,
      direction: 'outbound',
      message,
      state: f.stateAfter,
      created_at: at,
      ...(f.pushed ? { responder: 'BOT' as const } : {}),
    });
  const outbox = f.deferredCalls.map((request): OutboxEntry => {
    const id = f.newId();
    // Fire-and-forget calls are independent of each other: each is its own ordering key.
    return { id, kind: 'api_call', orderingKey: id, payload: { request } };
  });
  const replies = messages.filter((m) => m.direction === 'outbound');
  const sends =
    f.sends && replies.length
      ? f.sends(
          f.outbound,
          replies.map((m) => m.id),
        )
      : [];
  if (sends.length) {
    for (const m of replies) m.delivery_status = 'queued';
    outbox.push(...sends);
  }
  return {
    messages,
    lastPreview: messagePreview(messages),
    expiresAt: f.status === 'CLOSED' ? null : new Date(f.now.getTime() + f.timeoutMinutes * 60_000),
    outbox,
    trace: { id: f.newId(), events: f.trace },
  };
}

/** The trace of a turn: how it began, then the engine's events. */
export function turnTrace(
  inbound: GenericMessage | null,
  start: boolean,
  events: TraceEvent[] | unknown[],
): unknown[] {
  return [
    { type: start ? 'session_start' : 'message_received', message_type: inbound?.type ?? null },
    ...events,
  ];
}

/** The session of a conversation that has not run a turn yet. */
export const EMPTY_SESSION: SessionState = {
  state: null,
  variables: {},
  retries: 0,
  status: 'active',
};
