import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../../chatbots/chatbots.module';
import { ConversationModule } from '../../conversation/conversation.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  imports: [ChatbotsModule, ConversationModule],
  controllers: [ChatController],
  providers: [ChatService],
})
export class ApiChannelModule {}
