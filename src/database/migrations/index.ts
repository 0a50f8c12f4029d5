import { WorkspacesAndChatbots1763800000000 } from './1763800000000-workspaces-and-chatbots';
import { Conversations1763800100000 } from './1763800100000-conversations';
import { Flows1763800200000 } from './1763800200000-flows';
import { IntegrationsOutboxTraces1763800300000 } from './1763800300000-integrations-outbox-traces';
import { OutboxOrdering1764000100000 } from './1764000100000-outbox-ordering';
import { Inbox1764000200000 } from './1764000200000-inbox';
import { InboxRetries1764000210000 } from './1764000210000-inbox-retries';
import { ConversationKeys1764000300000 } from './1764000300000-conversation-keys';
import { TurnWaiters1764000400000 } from './1764000400000-turn-waiters';
import { ChannelState1764000500000 } from './1764000500000-channel-state';
import { OptOuts1764000600000 } from './1764000600000-opt-outs';
import { MessageDelivery1764000700000 } from './1764000700000-message-delivery';
import { WhatsApp1764000800000 } from './1764000800000-whatsapp';
import { InboxStore1764000900000 } from './1764000900000-inbox-store';
import { Web1765000000000 } from './1765000000000-web';
import { AgentActive1765000100000 } from './1765000100000-agent-active';
import { ChatbotEvents1765000200000 } from './1765000200000-chatbot-events';
import { FlowKeyOrder1765000300000 } from './1765000300000-flow-key-order';
import { OutboundRequests1765000400000 } from './1765000400000-outbound-requests';
import { StoragePerTurn1765000600000 } from './1765000600000-storage-per-turn';
import { Retention1765000500000 } from './1765000500000-retention';
import { TraceLevel1765000700000 } from './1765000700000-trace-level';
import { OutboxKeyIndex1765000800000 } from './1765000800000-outbox-key-index';
import { BatchRows1765000900000 } from './1765000900000-batch-rows';
import { InboxStoreRows1765001000000 } from './1765001000000-inbox-store-rows';
import { OutboxClaim1765001100000 } from './1765001100000-outbox-claim';

/** Every migration, oldest first. New ones are added here (and committed, reviewed). */
import { ConversationFlowVersion1765001200000 } from './1765001200000-conversation-flow-version';
import { MessageSentVia1765001300000 } from './1765001300000-message-sent-via';
import { OutboundRequestClaims1765001400000 } from './1765001400000-outbound-request-claims';

export const MIGRATIONS = [
  WorkspacesAndChatbots1763800000000,
  Conversations1763800100000,
  Flows1763800200000,
  IntegrationsOutboxTraces1763800300000,
  OutboxOrdering1764000100000,
  Inbox1764000200000,
  InboxRetries1764000210000,
  ConversationKeys1764000300000,
  TurnWaiters1764000400000,
  ChannelState1764000500000,
  OptOuts1764000600000,
  MessageDelivery1764000700000,
  WhatsApp1764000800000,
  InboxStore1764000900000,
  Web1765000000000,
  AgentActive1765000100000,
  ChatbotEvents1765000200000,
  FlowKeyOrder1765000300000,
  OutboundRequests1765000400000,
  Retention1765000500000,
  StoragePerTurn1765000600000,
  TraceLevel1765000700000,
  OutboxKeyIndex1765000800000,
  BatchRows1765000900000,
  InboxStoreRows1765001000000,
  OutboxClaim1765001100000,
  ConversationFlowVersion1765001200000,
  MessageSentVia1765001300000,
  OutboundRequestClaims1765001400000,
];
