import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChatbotScopeGuard } from '../chatbots/chatbot-scope.guard';
import { UlidPipe } from '../common/ulid.pipe';
import { ApiKeyGuard } from '../workspaces/api-key.guard';
import { ConversationQueries } from './conversation-queries';

/** `GET /chatbots/{id}/stats`: counted from conversations, so it lives with them. */
@ApiTags('chatbots')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/stats')
export class ChatbotStatsController {
  constructor(@Inject(ConversationQueries) private readonly conversations: ConversationQueries) {}

  @Get()
  stats(@Param('chatbotId', UlidPipe) chatbotId: string) {
    return this.conversations.stats(chatbotId);
  }
}
