import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../../chatbots/chatbots.module';
import { ConversationModule } from '../../conversation/conversation.module';
import { InboxModule } from '../../inbox/inbox.module';
import { IntegrationsDataModule } from '../../integrations/integrations-data.module';
import { IntegrationsModule } from '../../integrations/integrations.module';
import { OptOutsModule } from '../../opt-outs/opt-outs.module';
import { OutboxModule } from '../../outbox/outbox.module';
import { ChannelIntegrations } from '../channel-integrations';
import { MediaSentWaiter } from './media-sent-waiter';
import { WhatsAppChannelService } from './whatsapp-channel.service';
import { WhatsAppGraph } from './whatsapp-graph';
import {
  WhatsAppEchoInboxHandler,
  WhatsAppMessageInboxHandler,
  WhatsAppStatusInboxHandler,
  WhatsAppUserChangedInboxHandler,
} from './whatsapp-inbox.handlers';
import { WhatsAppMediaController } from './whatsapp-media.controller';
import { WhatsAppMediaService } from './whatsapp-media.service';
import { WhatsAppWindowSweeper } from './whatsapp-window.sweeper';
import { WhatsAppReplier } from './whatsapp-replier';
import { WhatsAppSendOutboxHandler } from './whatsapp-send.outbox-handler';
import { WhatsAppWebhookController } from './whatsapp-webhook.controller';

/** The WhatsApp channel: Meta's webhooks into the inbox, replies out through the outbox. */
@Module({
  imports: [
    ChatbotsModule,
    ConversationModule,
    InboxModule,
    IntegrationsModule,
    IntegrationsDataModule,
    OptOutsModule,
    OutboxModule,
  ],
  controllers: [WhatsAppWebhookController, WhatsAppMediaController],
  providers: [
    ChannelIntegrations,
    MediaSentWaiter,
    WhatsAppGraph,
    WhatsAppChannelService,
    WhatsAppMediaService,
    WhatsAppMessageInboxHandler,
    WhatsAppStatusInboxHandler,
    WhatsAppUserChangedInboxHandler,
    WhatsAppEchoInboxHandler,
    WhatsAppSendOutboxHandler,
    WhatsAppReplier,
    WhatsAppWindowSweeper,
  ],
})
export class WhatsAppChannelModule {}
