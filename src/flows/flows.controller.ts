import { ChatbotScopeGuard } from '../chatbots/chatbot-scope.guard';
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
import { CreateFlowDto, UpdateFlowDto, ValidateFlowDto } from './flows.dto';
import { FlowsService } from './flows.service';

@ApiTags('flows')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/flows')
export class FlowsController {
  constructor(@Inject(FlowsService) private readonly flows: FlowsService) {}

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const page = pageRequest(query, `chatbots/${chatbotId}/flows`);
    return this.flows.list(p.workspaceId, chatbotId, page);
  }

  @Post()
  create(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Body() dto: CreateFlowDto,
  ) {
    return this.flows.create(p.workspaceId, chatbotId, dto.name.trim(), dto.type, dto.flow);
  }

  @Get(':flowId')
  get(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
  ) {
    return this.flows.get(p.workspaceId, chatbotId, flowId);
  }

  @Patch(':flowId')
  update(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
    @Body() dto: UpdateFlowDto,
  ) {
    return this.flows.update(p.workspaceId, chatbotId, flowId, {
      name: dto.name?.trim(),
      flow: dto.flow,
    });
  }

  @Delete(':flowId')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
  ): Promise<void> {
    await this.flows.remove(p.workspaceId, chatbotId, flowId);
  }

  @Post(':flowId/validate')
  @HttpCode(200)
  validate(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
    @Body() body: ValidateFlowDto,
  ) {
    return this.flows.validate(p.workspaceId, chatbotId, flowId, body.flow);
  }

  @Post(':flowId/publish')
  @HttpCode(200)
  publish(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
  ) {
    return this.flows.publish(p.workspaceId, chatbotId, flowId);
  }

  @Get(':flowId/versions')
  versions(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const page = pageRequest(query, `chatbots/${chatbotId}/flows/${flowId}/versions`);
    return this.flows.versions(p.workspaceId, chatbotId, flowId, page);
  }

  @Get(':flowId/versions/:versionId')
  version(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('flowId', UlidPipe) flowId: string,
    @Param('versionId', UlidPipe) versionId: string,
  ) {
    return this.flows.version(p.workspaceId, chatbotId, flowId, versionId);
  }
}
