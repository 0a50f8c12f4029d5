import { Body, Controller, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ChatbotScopeGuard } from '../../chatbots/chatbot-scope.guard';
import { UlidPipe } from '../../common/ulid.pipe';
import { FlowsService } from '../../flows/flows.service';
import type { Principal } from '../../workspaces/api-key-cache';
import { ApiKeyGuard } from '../../workspaces/api-key.guard';
import { CurrentPrincipal } from '../../workspaces/principal.decorator';
import { CreateSessionDto } from './chat.dto';
import { ChatService } from './chat.service';

/**
 * A Chat API session on a flow's draft as it is now, without publishing it (the playground's
 * preview). Later messages go to the Chat API's message route with the returned session id.
 */
@ApiTags('chat')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/flows/:flowId/preview-sessions')
export class PreviewController {
  constructor(
    @Inject(FlowsService) private readonly flows: FlowsService,
    @Inject(ChatService) private readonly chat: ChatService,
  ) {}

  @Post()
  async create(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
    @Body() dto: CreateSessionDto,
  ) {
    const previewVersionId = await this.flows.previewSnapshot(p.workspaceId, chatbotId, flowId);
    return this.chat.createSession(chatbotId, dto, { previewVersionId });
  }
}
