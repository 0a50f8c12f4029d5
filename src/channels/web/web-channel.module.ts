import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../../chatbots/chatbots.module';
import { ConversationModule } from '../../conversation/conversation.module';
import { IntegrationsDataModule } from '../../integrations/integrations-data.module';
import { IntegrationsModule } from '../../integrations/integrations.module';
import { ApiChannelModule } from '../api/api-channel.module';
import { WebEventStream } from './web-event-stream';
import { WebSessionsRepository } from './web-sessions.repository';
import { WebWidgetController, WidgetScriptController } from './web-widget.controller';
import { WebWidgetService } from './web-widget.service';

/** The web channel: the widget script, its public API and its event stream (web.md). */
@Module({
  imports: [
    ApiChannelModule,
    ChatbotsModule,
    ConversationModule,
    IntegrationsDataModule,
    IntegrationsModule,
  ],
  controllers: [WidgetScriptController, WebWidgetController],
  providers: [WebWidgetService, WebSessionsRepository, WebEventStream],
})
export class WebChannelModule {}
