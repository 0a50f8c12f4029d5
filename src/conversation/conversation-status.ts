import type { TurnResult } from '../engine';

/** Status of a conversation as the API shows it. */
export type ConversationStatus = 'ACTIVE' | 'CLOSED' | 'EXPIRED' | 'HANDOFF_PENDING';

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = [
  'ACTIVE',
  'CLOSED',
  'EXPIRED',
  'HANDOFF_PENDING',
];

/** The conversation's status after an engine turn. */
export function statusAfterTurn(
  result: Pick<TurnResult, 'closed' | 'session'>,
): ConversationStatus {
  if (result.closed || result.session.status === 'closed') return 'CLOSED';
  if (result.session.status === 'handoff') return 'HANDOFF_PENDING';
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
