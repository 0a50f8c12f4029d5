import { Module } from '@nestjs/common';
import { httpCallerProvider } from './http-caller.provider';
import { IntegrationResolverService } from './integration-resolver.service';
import { HTTP_CALLER } from './integrations.tokens';
import { OutboxWorker } from './outbox/outbox-worker';
import { secretBoxProvider } from './secret-box.provider';

@Module({
  providers: [secretBoxProvider, IntegrationResolverService, httpCallerProvider, OutboxWorker],
  exports: [HTTP_CALLER, secretBoxProvider, OutboxWorker],
})
export class IntegrationsModule {}
