import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../../chatbots/chatbots.module';
import { ConversationModule } from '../../conversation/conversation.module';
import { FlowsModule } from '../../flows/flows.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';
import { PreviewController } from './preview.controller';

@Module({
  imports: [ChatbotsModule, ConversationModule, FlowsModule],
  controllers: [ChatController, PreviewController],
  providers: [ChatService],
  exports: [ChatService],
})
export class ApiChannelModule {}
