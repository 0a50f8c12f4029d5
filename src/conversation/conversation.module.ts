import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConversationQueries } from './conversation-queries';
import { ConversationRepository } from './conversation.repository';
import { ConversationsController } from './conversations.controller';
import { FlowCache } from './flow-cache';
import { HandoffService } from './handoff.service';
import { SessionLease } from './session-lease';
import { TurnService } from './turn.service';

@Module({
  imports: [ChatbotsModule, IntegrationsModule],
  controllers: [ConversationsController],
  providers: [
    ConversationRepository,
    SessionLease,
    ConversationQueries,
    FlowCache,
    TurnService,
    HandoffService,
  ],
  exports: [TurnService, ConversationQueries],
})
export class ConversationModule {}
