import type { TurnResult } from '../engine';

/** Status of a conversation as the API shows it. */
export type ConversationStatus =
  'ACTIVE' | 'CLOSED' | 'EXPIRED' | 'HANDOFF_PENDING' | 'AGENT_ACTIVE';

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = [
  'ACTIVE',
  'CLOSED',
  'EXPIRED',
  'HANDOFF_PENDING',
  'AGENT_ACTIVE',
];

/**
 * The statuses of a conversation that takes messages, as SQL: the bot's (ACTIVE) and a
 * person's (HANDOFF_PENDING until a person answers, then AGENT_ACTIVE).
 */
export const OPEN_STATUSES_SQL = `('ACTIVE', 'HANDOFF_PENDING', 'AGENT_ACTIVE')`;

/** Waiting for or talking with a person: the bot keeps quiet. */
export const HANDED_OFF_SQL = `('HANDOFF_PENDING', 'AGENT_ACTIVE')`;

/** HANDED_OFF_SQL's statuses, for code. */
export const isHandedOff = (status: ConversationStatus | null): boolean =>
  status === 'HANDOFF_PENDING' || status === 'AGENT_ACTIVE';

/**
 * The conversation's status after an engine turn. A person already answering (AGENT_ACTIVE)
 * stays so while the session waits for people.
 */
export function statusAfterTurn(
  result: Pick<TurnResult, 'closed' | 'session'>,
  before?: ConversationStatus,
): ConversationStatus {
  if (result.closed || result.session.status === 'closed') return 'CLOSED';
  if (result.session.status === 'handoff')
    return before === 'AGENT_ACTIVE' ? 'AGENT_ACTIVE' : 'HANDOFF_PENDING';
  return 'ACTIVE';
}

/**
 * Whether a conversation can take another message, decided in one place: `expired` is the
 * database's verdict on `expires_at` (read with the lease, on the database clock).
 * 'expired' and 'closed' say why not. An ACTIVE conversation past its time is expired; one
 * waiting for a human (HANDOFF_PENDING) does not expire while it waits.
 */
export function availability(row: {
  status: ConversationStatus;
  expired: boolean;
}): 'open' | 'expired' | 'closed' {
  if (row.status === 'EXPIRED') return 'expired';
  if (row.status === 'CLOSED') return 'closed';
  return row.expired && row.status === 'ACTIVE' ? 'expired' : 'open';
}
