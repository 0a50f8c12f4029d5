import { Module } from '@nestjs/common';
import { IntegrationsRepository } from './integrations.repository';

/**
 * The integrations table alone, for modules that read it (flow validation needs a chatbot's
 * integration names) without the Integrations API or the HTTP caller.
 */
@Module({ providers: [IntegrationsRepository], exports: [IntegrationsRepository] })
export class IntegrationsDataModule {}
