import { Module } from '@nestjs/common';
import { ConversationModule } from '../../conversation/conversation.module';
import { InboxModule } from '../../inbox/inbox.module';
import { IntegrationsDataModule } from '../../integrations/integrations-data.module';
import { IntegrationsModule } from '../../integrations/integrations.module';
import { OptOutsModule } from '../../opt-outs/opt-outs.module';
import { OutboxModule } from '../../outbox/outbox.module';
import { ChannelIntegrations } from '../channel-integrations';
import { SmsChannelService } from './sms-channel.service';
import {
  SmsMessageInboxHandler,
  SmsOptOutInboxHandler,
  SmsStatusInboxHandler,
} from './sms-inbox.handlers';
import { SmsReplier } from './sms-replier';
import { SmsSendOutboxHandler } from './sms-send.outbox-handler';
import { SmsWebhookController } from './sms-webhook.controller';

/** The SMS channel: provider webhooks into the inbox, replies out through the outbox. */
@Module({
  imports: [
    ConversationModule,
    InboxModule,
    IntegrationsModule,
    IntegrationsDataModule,
    OptOutsModule,
    OutboxModule,
  ],
  controllers: [SmsWebhookController],
  providers: [
    ChannelIntegrations,
    SmsChannelService,
    SmsMessageInboxHandler,
    SmsStatusInboxHandler,
    SmsOptOutInboxHandler,
    SmsSendOutboxHandler,
    SmsReplier,
  ],
})
export class SmsChannelModule {}
