import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { IntegrationsDataModule } from '../integrations/integrations-data.module';
import { FlowsController } from './flows.controller';
import { FlowsRepository } from './flows.repository';
import { FlowsService } from './flows.service';

@Module({
  imports: [ChatbotsModule, IntegrationsDataModule],
  controllers: [FlowsController],
  providers: [FlowsService, FlowsRepository],
  exports: [FlowsService, FlowsRepository],
})
export class FlowsModule {}
