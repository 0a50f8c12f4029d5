import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { IntegrationsController } from './api/integrations.controller';
import { IntegrationsService } from './api/integrations.service';
import { httpCallerProvider } from './http-caller.provider';
import { IntegrationResolverService } from './integration-resolver.service';
import { HTTP_CALLER } from './integrations.tokens';
import { OutboxWorker } from './outbox/outbox-worker';
import { secretBoxProvider } from './secret-box.provider';

@Module({
  imports: [ChatbotsModule],
  controllers: [IntegrationsController],
  providers: [
    secretBoxProvider,
    IntegrationResolverService,
    httpCallerProvider,
    OutboxWorker,
    IntegrationsService,
  ],
  exports: [HTTP_CALLER, secretBoxProvider, OutboxWorker],
})
export class IntegrationsModule {}
