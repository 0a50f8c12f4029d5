import { ChatbotScopeGuard } from '../chatbots/chatbot-scope.guard';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { pageRequest } from '../common/paging';
import { UlidPipe } from '../common/ulid.pipe';
import { ApiKeyGuard } from '../workspaces/api-key.guard';
import type { Principal } from '../workspaces/api-key-cache';
import { CurrentPrincipal } from '../workspaces/principal.decorator';
import { ConversationFilters, ConversationQueries } from './conversation-queries';
import { AgentReplyDto, agentMessage, HandoffDto, ReleaseDto } from './agent-reply.dto';
import { HandoffService } from './handoff.service';

type ListQuery = ConversationFilters & { limit?: string; cursor?: string };

@ApiTags('conversations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/conversations')
export class ConversationsController {
  constructor(
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
    @Inject(HandoffService) private readonly handoff: HandoffService,
  ) {}

  @Get()
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Query() q: ListQuery,
  ) {
    const page = pageRequest(q, `chatbots/${chatbotId}/conversations`);
    return this.conversations.list(chatbotId, q, page);
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
  ) {
    return this.conversations.get(chatbotId, id);
  }

  @Get(':id/messages')
  async messages(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Query() q: ListQuery,
  ) {
    const page = pageRequest(q, `chatbots/${chatbotId}/conversations/${id}/messages`);
    return this.conversations.messages(chatbotId, id, page);
  }

  @Get(':id/trace')
  async trace(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Query() q: ListQuery,
  ) {
    const page = pageRequest(q, `chatbots/${chatbotId}/conversations/${id}/trace`);
    return this.conversations.trace(chatbotId, id, page);
  }

  @Post(':id/handoff')
  @HttpCode(200)
  async handOff(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Body() dto: HandoffDto,
  ) {
    return this.handoff.handOff(chatbotId, id, dto.reason ?? null);
  }

  @Post(':id/release')
  @HttpCode(200)
  async release(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Body() dto: ReleaseDto,
  ) {
    return this.handoff.release(chatbotId, id, dto.state);
  }

  @Post(':id/messages')
  @HttpCode(201)
  async reply(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Body() dto: AgentReplyDto,
  ) {
    return this.handoff.reply(
      chatbotId,
      id,
      agentMessage(dto.message),
      dto.agent ? { id: dto.agent.id, ...(dto.agent.name ? { name: dto.agent.name } : {}) } : null,
    );
  }
}
