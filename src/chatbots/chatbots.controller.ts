import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
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
import { CreateChatbotDto, UpdateChatbotDto } from './chatbots.dto';
import { ChatbotsService } from './chatbots.service';

@ApiTags('chatbots')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/dev/v1/chatbots')
export class ChatbotsController {
  constructor(@Inject(ChatbotsService) private readonly chatbots: ChatbotsService) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @Query() query: Record<string, unknown>) {
    return this.chatbots.list(
      p.workspaceId,
      pageRequest(query, `workspaces/${p.workspaceId}/chatbots`),
    );
  }

  @Post()
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateChatbotDto) {
    return this.chatbots.create(p.workspaceId, dto.name.trim(), dto.description ?? null);
  }

  @Get(':id')
  get(@CurrentPrincipal() p: Principal, @Param('id', UlidPipe) id: string) {
    return this.chatbots.get(p.workspaceId, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id', UlidPipe) id: string,
    @Body() dto: UpdateChatbotDto,
  ) {
    return this.chatbots.update(p.workspaceId, id, {
      name: dto.name?.trim(),
      description: dto.description,
      eventsUrl: dto.events_url,
      rotateEventsSecret: dto.rotate_events_secret === true,
      retention:
        dto.retention === null ? { traces_days: null, messages_days: null } : dto.retention,
      traceLevel: dto.trace_level,
    });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentPrincipal() p: Principal, @Param('id', UlidPipe) id: string): Promise<void> {
    await this.chatbots.remove(p.workspaceId, id);
  }
}
