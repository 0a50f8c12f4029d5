import type { GenericMessage } from '../generic-message';
import type { ApiCallRequest, Clock, HttpCallerPort } from '../ports';
import type { TraceEvent } from './trace-event';

export type SessionStatus = 'active' | 'closed' | 'handoff';

/** What the conversation layer persists between turns. Plain JSON. */
export interface SessionState {
  /** Current state; null only before the first state was entered. */
  state: string | null;
  variables: Record<string, unknown>;
  /** Failed replies in the current state (invalid input or no match). */
  retries: number;
  status: SessionStatus;
}

/** Who and where: becomes the built-in variables and the API_CALL context. */
export interface TurnContextInfo {
  user_id: string;
  channel: string;
  chatbot_id: string;
  session_id: string;
  contact_name?: string;
  locale?: string;
  flow_name?: string;
}

export type TurnInput =
  | { kind: 'start'; context: TurnContextInfo }
  | { kind: 'message'; message: GenericMessage; context: TurnContextInfo }
  /**
   * From outside the conversation (a handoff released at a state, a business writing first):
   * enter `state`, with `variables` set first; the session is the bot's again.
   */
  | {
      kind: 'goto';
      state: string;
      variables?: Record<string, unknown>;
      context: TurnContextInfo;
    };

export interface EnginePorts {
  http: HttpCallerPort;
  clock: Clock;
  /** Absolute deadline (epoch ms) passed to every outbound call of the turn (USSD budget). */
  deadline?: number;
}

export interface TurnResult {
  /** What the bot says, in order. */
  messages: GenericMessage[];
  /** The session after the turn (a new object; the input session is never mutated). */
  session: SessionState;
  trace: TraceEvent[];
  /** `fire_and_forget` API calls for the durable outbox, fully rendered. */
  deferredCalls: ApiCallRequest[];
  /** The session is (or remains) waiting for a human agent. */
  handoff: boolean;
  /** The rendered `reason` of the HANDOFF this turn ran (absent: none, or it rendered empty). */
  handoffReason?: string;
  /** The flow reached an `end` state during this turn. */
  closed: boolean;
}
