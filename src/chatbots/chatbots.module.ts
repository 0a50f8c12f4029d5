import { Module } from '@nestjs/common';
import { ChatbotScopeGuard } from './chatbot-scope.guard';
import { ChatbotsController } from './chatbots.controller';
import { ChatbotsService } from './chatbots.service';
import { secretBoxProvider } from '../integrations/secret-box.provider';

@Module({
  controllers: [ChatbotsController],
  providers: [ChatbotsService, ChatbotScopeGuard, secretBoxProvider],
  exports: [ChatbotsService, ChatbotScopeGuard],
})
export class ChatbotsModule {}
