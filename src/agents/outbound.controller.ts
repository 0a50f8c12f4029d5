import { Body, Controller, Headers, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChatbotScopeGuard } from '../chatbots/chatbot-scope.guard';
import { UlidPipe } from '../common/ulid.pipe';
import { ApiKeyGuard } from '../workspaces/api-key.guard';
import { OutboundDto } from './outbound.dto';
import { OutboundService } from './outbound.service';

@ApiTags('outbound')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/outbound')
export class OutboundController {
  constructor(@Inject(OutboundService) private readonly outbound: OutboundService) {}

  /** 202: accepted; the channel delivers it (see the messages' status). */
  @Post()
  async send(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Body() dto: OutboundDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { replayed, answer } = await this.outbound.send(chatbotId, dto, key);
    res.code(202);
    if (replayed) res.header('Idempotent-Replayed', 'true');
    return answer;
  }
}
