import { WorkspacesAndChatbots1763800000000 } from './1763800000000-workspaces-and-chatbots';
import { Conversations1763800100000 } from './1763800100000-conversations';
import { Flows1763800200000 } from './1763800200000-flows';
import { IntegrationsOutboxTraces1763800300000 } from './1763800300000-integrations-outbox-traces';

/** Every migration, oldest first. New ones are added here (and committed, reviewed). */
export const MIGRATIONS = [
  WorkspacesAndChatbots1763800000000,
  Conversations1763800100000,
  Flows1763800200000,
  IntegrationsOutboxTraces1763800300000,
];
