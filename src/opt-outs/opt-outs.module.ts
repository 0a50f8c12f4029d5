import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { OptOutsController } from './opt-outs.controller';
import { OptOutsRepository } from './opt-outs.repository';

/** The opt-out list: its API, and the repository the channels check before sending. */
@Module({
  imports: [ChatbotsModule],
  controllers: [OptOutsController],
  providers: [OptOutsRepository],
  exports: [OptOutsRepository],
})
export class OptOutsModule {}
