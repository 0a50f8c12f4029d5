import { ChatbotScopeGuard } from '../../chatbots/chatbot-scope.guard';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UlidPipe } from '../../common/ulid.pipe';
import { ApiKeyGuard } from '../../workspaces/api-key.guard';
import { CreateSessionDto, SendMessageDto } from './chat.dto';
import { ChatService } from './chat.service';

@ApiTags('chat')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/chat/sessions')
export class ChatController {
  constructor(@Inject(ChatService) private readonly chat: ChatService) {}

  @Post()
  create(@Param('chatbotId', UlidPipe) chatbotId: string, @Body() dto: CreateSessionDto) {
    return this.chat.createSession(chatbotId, dto);
  }

  @Post(':sessionId/messages')
  @HttpCode(200)
  send(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('sessionId', UlidPipe) sessionId: string,
    @Body() dto: SendMessageDto,
  ) {
    return this.chat.sendMessage(chatbotId, sessionId, dto);
  }

  @Get(':sessionId')
  get(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('sessionId', UlidPipe) sessionId: string,
  ) {
    return this.chat.getSession(chatbotId, sessionId);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  async close(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('sessionId', UlidPipe) sessionId: string,
  ): Promise<void> {
    await this.chat.closeSession(chatbotId, sessionId);
  }
}
