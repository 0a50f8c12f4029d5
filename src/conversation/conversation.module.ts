import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { FlowsModule } from '../flows/flows.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ChannelReplies } from './channel-replies';
import { ChatbotStatsController } from './chatbot-stats.controller';
import { ConversationQueries } from './conversation-queries';
import { ConversationRepository } from './conversation.repository';
import { ConversationsController } from './conversations.controller';
import { FlowCache } from './flow-cache';
import { HandoffService } from './handoff.service';
import { HandoffSweeper } from './handoff-sweeper';
import { MessageSignals } from './message-signals';
import { SessionLease } from './session-lease';
import { TurnService } from './turn.service';

@Module({
  imports: [ChatbotsModule, FlowsModule, IntegrationsModule],
  controllers: [ConversationsController, ChatbotStatsController],
  providers: [
    ConversationRepository,
    SessionLease,
    ConversationQueries,
    FlowCache,
    TurnService,
    HandoffService,
    MessageSignals,
    ChannelReplies,
    HandoffSweeper,
  ],
  exports: [
    TurnService,
    ConversationQueries,
    ConversationRepository,
    FlowCache,
    MessageSignals,
    ChannelReplies,
  ],
})
export class ConversationModule {}
