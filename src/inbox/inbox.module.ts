import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module';
import { InboxHandlers } from './inbox-handlers';
import { InboxProcessor } from './inbox-processor';
import { InboxService } from './inbox.service';
import { InboxRepository } from './inbox.repository';
import { MessageInboxHandler } from './message.inbox-handler';

/** Provider events stored before the webhook answers, then turned into turns (docs/inbox.md). */
@Module({
  imports: [ConversationModule],
  providers: [InboxRepository, InboxHandlers, InboxProcessor, InboxService, MessageInboxHandler],
  exports: [InboxService, InboxHandlers],
})
export class InboxModule {}
