import { ChatbotScopeGuard } from '../../chatbots/chatbot-scope.guard';
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
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { pageRequest } from '../../common/paging';
import { UlidPipe } from '../../common/ulid.pipe';
import { ApiKeyGuard } from '../../workspaces/api-key.guard';
import type { Principal } from '../../workspaces/api-key-cache';
import { CurrentPrincipal } from '../../workspaces/principal.decorator';
import { IntegrationsService } from './integrations.service';

const HTTP_INTEGRATION_SCHEMA = {
  type: 'object',
  description:
    'An http integration (api-call.md). Secret values (auth values, header values) are returned as "***"; ' +
    'in a PATCH, "***" keeps the stored value. Top-level fields of a PATCH replace the stored ones.',
  example: {
    type: 'http',
    name: 'my_backend',
    base_url: 'https://api.example.com/v1',
    auth: { type: 'bearer', token: 's3cret' },
    headers: { 'X-Tenant': 'acme' },
    query: {},
    timeout: { connect_ms: 3000, read_ms: 10000 },
    retry: {
      max_attempts: 3,
      initial_delay_ms: 200,
      max_delay_ms: 5000,
      on: ['network_error', 'timeout', '429', '5xx'],
    },
    max_response_bytes: 1048576,
  },
};

const TEST_SCHEMA = {
  type: 'object',
  description:
    'A literal request sent through the integration; the answer is the meta variable a flow would see, plus body.',
  example: {
    method: 'POST',
    path: '/orders',
    query: {},
    headers: {},
    body: { id: 1 },
    body_type: 'json',
    variables: {},
  },
};

@ApiTags('integrations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/integrations')
export class IntegrationsController {
  constructor(@Inject(IntegrationsService) private readonly integrations: IntegrationsService) {}

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Query() query: Record<string, unknown>,
  ) {
    return this.integrations.list(
      p.workspaceId,
      chatbotId,
      pageRequest(query, `chatbots/${chatbotId}/integrations`),
    );
  }

  @Post()
  @ApiBody({ schema: HTTP_INTEGRATION_SCHEMA })
  create(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Body() body: unknown,
  ) {
    return this.integrations.create(p.workspaceId, chatbotId, body);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
  ) {
    return this.integrations.get(p.workspaceId, chatbotId, id);
  }

  @Patch(':id')
  @ApiBody({ schema: HTTP_INTEGRATION_SCHEMA })
  update(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Body() body: unknown,
  ) {
    return this.integrations.update(p.workspaceId, chatbotId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
  ): Promise<void> {
    await this.integrations.remove(p.workspaceId, chatbotId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiBody({ schema: TEST_SCHEMA, required: false })
  test(
    @CurrentPrincipal() p: Principal,
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('id', UlidPipe) id: string,
    @Body() body: unknown,
  ) {
    return this.integrations.test(p.workspaceId, chatbotId, id, body);
  }
}
