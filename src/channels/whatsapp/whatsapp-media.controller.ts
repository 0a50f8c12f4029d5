import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChatbotScopeGuard } from '../../chatbots/chatbot-scope.guard';
import { UlidPipe } from '../../common/ulid.pipe';
import { ApiKeyGuard } from '../../workspaces/api-key.guard';
import { WhatsAppMediaService } from './whatsapp-media.service';

/**
 * `GET /chatbots/{id}/media/{media_id}`: an inbound WhatsApp media file, fetched from Meta
 * with the integration's token when asked and streamed with its content type. Inbound media
 * messages carry this route as their `media_url`.
 */
@ApiTags('media')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard, ChatbotScopeGuard)
@Controller('api/dev/v1/chatbots/:chatbotId/media')
export class WhatsAppMediaController {
  constructor(@Inject(WhatsAppMediaService) private readonly media: WhatsAppMediaService) {}

  @Get(':mediaId')
  async get(
    @Param('chatbotId', UlidPipe) chatbotId: string,
    @Param('mediaId') mediaId: string,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const file = await this.media.open(chatbotId, mediaId);
    res.code(200).type(file.mimeType).header('Cache-Control', 'private, max-age=300');
    const length = file.stream.headers['content-length'];
    if (length) res.header('Content-Length', length);
    file.stream.on('error', () => res.raw.destroy());
    await res.send(file.stream);
  }
}
