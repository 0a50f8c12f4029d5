/** Status of a conversation as the API shows it. */
export type ConversationStatus = 'ACTIVE' | 'CLOSED' | 'EXPIRED' | 'HANDOFF_PENDING';

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = [
  'ACTIVE',
  'CLOSED',
  'EXPIRED',
  'HANDOFF_PENDING',
];
