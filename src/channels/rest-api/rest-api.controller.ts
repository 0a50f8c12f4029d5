import { Body, Controller, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChatbotScopeGuard } from '../../chatbots/chatbot-scope.guard';
import { UlidPipe } from '../../common/ulid.pipe';
import { ApiKeyGuard } from '../../workspaces/api-key.guard';
import { RestApiChannelService, type RestApiAccepted } from './rest-api-channel.service';
import { RestApiMessageDto } from './rest-api-message.dto';

/** Sarufi's `rest-api` channel: a user's message in; the replies go to the webhook_url. */
@ApiTags('rest-api channel')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/channels/rest-api/:integrationId/messages')
export class RestApiController {
  constructor(@Inject(RestApiChannelService) private readonly channel: RestApiChannelService) {}

  /** 202: taken (or taken before: `Idempotent-Replayed: true`); replies follow on the webhook. */
  @Post()
  @HttpCode(202)
  async receive(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('integrationId', UlidPipe) integrationId: string,
    @Body() dto: RestApiMessageDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<RestApiAccepted> {
    const answer = await this.channel.receive(chatbotId, integrationId, dto);
    if (answer.status === 'duplicate') res.header('Idempotent-Replayed', 'true');
    return answer;
  }
}
