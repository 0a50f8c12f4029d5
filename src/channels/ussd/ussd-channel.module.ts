import { Module } from '@nestjs/common';
import { ConversationModule } from '../../conversation/conversation.module';
import { FlowsModule } from '../../flows/flows.module';
import { IntegrationsDataModule } from '../../integrations/integrations-data.module';
import { ChannelIntegrations } from '../channel-integrations';
import { UssdChannelService } from './ussd-channel.service';
import { UssdReplier } from './ussd-replier';
import { UssdWebhookController } from './ussd-webhook.controller';

/** The USSD channel: gateway webhooks in, one screen out (docs/ussd.md). */
@Module({
  imports: [ConversationModule, FlowsModule, IntegrationsDataModule],
  controllers: [UssdWebhookController],
  providers: [ChannelIntegrations, UssdChannelService, UssdReplier],
})
export class UssdChannelModule {}
