import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConversationQueries } from './conversation-queries';
import { ConversationStore } from './conversation-store';
import { ConversationsController } from './conversations.controller';
import { FlowCache } from './flow-cache';
import { TurnService } from './turn.service';

@Module({
  imports: [ChatbotsModule, IntegrationsModule],
  controllers: [ConversationsController],
  providers: [ConversationStore, ConversationQueries, FlowCache, TurnService],
  exports: [TurnService, ConversationQueries],
})
export class ConversationModule {}
