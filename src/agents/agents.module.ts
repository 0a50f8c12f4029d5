import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { ConversationModule } from '../conversation/conversation.module';
import { IntegrationsDataModule } from '../integrations/integrations-data.module';
import { OutboundRequestsRepository } from './outbound-requests.repository';
import { OutboundController } from './outbound.controller';
import { OutboundService } from './outbound.service';

/** Businesses that write first: outbound messages, by Idempotency-Key. */
@Module({
  imports: [ChatbotsModule, ConversationModule, IntegrationsDataModule],
  controllers: [OutboundController],
  providers: [OutboundService, OutboundRequestsRepository],
})
export class AgentsModule {}
