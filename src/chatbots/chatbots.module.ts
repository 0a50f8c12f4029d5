import { Module } from '@nestjs/common';
import { ChatbotScopeGuard } from './chatbot-scope.guard';
import { ChatbotsController } from './chatbots.controller';
import { ChatbotsService } from './chatbots.service';

@Module({
  controllers: [ChatbotsController],
  providers: [ChatbotsService, ChatbotScopeGuard],
  exports: [ChatbotsService, ChatbotScopeGuard],
})
export class ChatbotsModule {}
