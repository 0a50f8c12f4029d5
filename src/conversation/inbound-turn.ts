import type { GenericMessage } from '../engine';
import type { OutboxEntry } from '../outbox/outbox-entry';
import type { ConversationStatus } from './conversation-status';

/** What a turn did: the core of its outcome (TurnOutcome), known before it is written. */
export interface TurnSummary {
  conversationId: string;
  /** The messages the turn sends. */
  messages: GenericMessage[];
  currentState: string | null;
  status: ConversationStatus;
}

/**
 * Which session a turn is for: an existing one by id (the Chat API), or the user's active
 * session on a channel by key (WhatsApp, SMS, USSD, web), started at the flow's `start` when
 * there is none or it expired.
 */
export type SessionAddress =
  /** A new session of its own (a Chat API create); the user id defaults to the session id. */
  | {
      kind: 'new';
      userId?: string | null;
      /** A preview run of a draft: its snapshot's version id (see FlowsService.preview). */
      previewVersionId?: string;
    }
  | { kind: 'id'; conversationId: string }
  | {
      kind: 'key';
      /** The person: E.164 with `+` for phone channels, a business-scoped id otherwise. */
      userId: string;
      /** What identifies the session on the channel when it is not the user (a USSD gateway's session id). */
      sessionKey?: string;
      /**
       * The key names one session only (a USSD gateway's session id): once that session
       * ended or expired, a turn for the key is refused (`session_closed`,
       * `session_expired`) instead of starting another, so that the channel can answer a
       * late retry of the request that ended it.
       */
      once?: boolean;
    };

/** What a channel makes of the user's input, read against its state kept with the session. */
export type ChannelRead =
  /** A message for the flow (the typed `1` read as the option it numbers). */
  | { kind: 'flow'; message: GenericMessage }
  /**
   * The channel answers from its own state (a USSD page, or the last screen again for a
   * gateway's retry of the last request: `repeat`); no flow step, nothing recorded.
   */
  | { kind: 'aside'; state: unknown; repeat?: boolean };

/**
 * A channel that keeps state of its own with the session (the options last shown; USSD's
 * screens): read under the session's lease before the flow runs, and written in the same
 * statement as the turn. Both functions are pure.
 */
export interface ChannelState {
  /**
   * Reads the input against the stored state (null before the first turn wrote one); absent
   * for a turn with no input of the user's (a business writing first).
   */
  read?(stored: unknown): ChannelRead;
  /**
   * The state to keep after the flow answered with these messages; `open` is false when the
   * turn left the session closed or waiting for a person (the user cannot answer on it).
   * `waitedAgain` is the stored state when the flow stayed in the state it was in (a reply it
   * did not understand: the same question is still open), else null.
   */
  write(messages: readonly GenericMessage[], open: boolean, waitedAgain: unknown): unknown;
}

/**
 * The deliveries of a turn's replies, for a channel that sends them (SMS, WhatsApp): written
 * to the outbox in the turn's own commit statement, with the ids of the message rows they
 * carry, which are stored `queued`.
 */
export type ChannelSends = (
  replies: readonly GenericMessage[],
  messageIds: readonly string[],
) => OutboxEntry[];

/**
 * A turn's first try at its session's lease, made ahead of the turn in the statement of
 * another write (TurnService.leaseAhead): the turn for that key takes it over, and whoever
 * asked for it drops it if none did. What it holds, SessionLease keeps.
 */
export interface EarlyLease {
  readonly chatbotId: string;
  readonly channel: string;
  readonly key: string;
}

/** One inbound turn, as every channel describes it to the one turn entry. */
export interface InboundTurn {
  chatbotId: string;
  channel: string;
  session: SessionAddress;
  /** The user's message; null for a Chat API create, which only runs the flow's start. */
  message: GenericMessage | null;
  contactName?: string | null;
  locale?: string;
  /** Epoch ms by which the turn must answer (the USSD gateway's reply deadline). */
  deadline?: number;
  /**
   * Seconds the session stays open after the turn at the least, when the flow's
   * `session_timeout_minutes` is shorter (a USSD session kept to be resumed:
   * `resume_window_seconds`).
   */
  keepOpenSeconds?: number;
  /** The inbox event this turn consumes: marked done in the same statement as the turn. */
  inboxEventId?: string;
  /**
   * Its first try at the session's lease, made when its inbox event was stored
   * (TurnService.leaseAhead); used when it is for this turn's key.
   */
  earlyLease?: EarlyLease;
  /**
   * State the channel keeps with the session: `read` then makes an open session's message
   * (`message` is still what a new session records).
   */
  channelState?: ChannelState;
  /** How the channel sends the replies; none for channels that answer in the request. */
  sends?: ChannelSends;
  /**
   * From outside the conversation (with `message` null): enter this state, with these
   * variables set first (the engine's `goto`). The bot's messages answer no request: they
   * are sent as the channel sends a person's reply (ChannelReplies) unless `sends` is given.
   */
  goto?: {
    /**
     * Absent: a new session starts at the flow's start, an open one stays where it is (the
     * flow does not run; only `messages` are sent).
     */
    state?: string;
    variables?: Record<string, unknown>;
    /** Sent instead of the state's own messages (an outbound message with its own text). */
    messages?: GenericMessage[];
    /** The integration to send through (an outbound message names it). */
    integrationId?: string;
  };
  /**
   * With `goto`: refuse (409) unless the conversation is with people (`handed_off`: a release
   * at a state), or while it is (`bot`: an outbound message does not talk over a person).
   */
  onlyIf?: 'handed_off' | 'bot';
  /**
   * The Idempotency-Key of the request this turn carries out (a business's outbound message),
   * held by `owner`: the turn commits only while `owner` still holds the key, and the key's
   * answer, made from the turn, is written in the same statement. So a key whose turn
   * committed is answered even if the process dies at once, and a retry that takes over a key
   * whose holder died runs a turn that never committed: it sends no message twice.
   */
  idempotencyKey?: { key: string; owner: string; answer: (turn: TurnSummary) => unknown };
}
