import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { FlowsModule } from '../flows/flows.module';
import { IntegrationsDataModule } from './integrations-data.module';
import { IntegrationsController } from './api/integrations.controller';
import { IntegrationsService } from './api/integrations.service';
import { httpCallerProvider } from './http-caller.provider';
import { IntegrationResolverService } from './integration-resolver.service';
import { HTTP_CALLER } from './integrations.tokens';
import { ApiCallOutboxHandler } from './api-call.outbox-handler';
import { secretBoxProvider } from './secret-box.provider';

@Module({
  imports: [ChatbotsModule, FlowsModule, IntegrationsDataModule],
  controllers: [IntegrationsController],
  providers: [
    secretBoxProvider,
    IntegrationResolverService,
    httpCallerProvider,
    ApiCallOutboxHandler,
    IntegrationsService,
  ],
  exports: [HTTP_CALLER, secretBoxProvider],
})
export class IntegrationsModule {}
