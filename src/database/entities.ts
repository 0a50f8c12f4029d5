import { Chatbot } from '../chatbots/chatbot.entity';
import { FlowVersion } from '../flows/flow-version.entity';
import { Flow } from '../flows/flow.entity';
import { ApiKey } from '../workspaces/api-key.entity';
import { Workspace } from '../workspaces/workspace.entity';

/** Every TypeORM entity of the app, in one list for the data source. */
export const ENTITIES = [Workspace, ApiKey, Chatbot, Flow, FlowVersion];
