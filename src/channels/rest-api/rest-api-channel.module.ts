import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../../chatbots/chatbots.module';
import { ConversationModule } from '../../conversation/conversation.module';
import { InboxModule } from '../../inbox/inbox.module';
import { IntegrationsDataModule } from '../../integrations/integrations-data.module';
import { IntegrationsModule } from '../../integrations/integrations.module';
import { ChannelIntegrations } from '../channel-integrations';
import { RestApiChannelService } from './rest-api-channel.service';
import { RestApiMessageInboxHandler } from './rest-api-inbox.handler';
import { RestApiReplier } from './rest-api-replier';
import { RestApiReplyOutboxHandler } from './rest-api-reply.outbox-handler';
import { RestApiController } from './rest-api.controller';

/**
 * Sarufi's rest-api channel: a business's own channel. Users' messages come in through the
 * API (the inbox keeps each once); replies go out through the outbox, signed, to the
 * integration's webhook_url (docs/rest-api.md).
 */
@Module({
  imports: [
    ChatbotsModule,
    ConversationModule,
    InboxModule,
    IntegrationsModule,
    IntegrationsDataModule,
  ],
  controllers: [RestApiController],
  providers: [
    ChannelIntegrations,
    RestApiChannelService,
    RestApiMessageInboxHandler,
    RestApiReplyOutboxHandler,
    RestApiReplier,
  ],
})
export class RestApiChannelModule {}
