import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { WhatsAppChannelService } from './whatsapp-channel.service';

/**
 * Meta's callbacks: `GET|POST /webhooks/whatsapp/{integration_id}` for one number, and
 * `GET|POST /webhooks/whatsapp` for a whole Meta app (routed by phone number id). GET is the
 * verify handshake; POST carries signed event batches (the raw bytes, up to 3 MB, reach
 * the service as a Buffer: see http-pipeline.ts).
 */
@ApiExcludeController()
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  constructor(@Inject(WhatsAppChannelService) private readonly whatsapp: WhatsAppChannelService) {}

  @Get()
  async verifyApp(
    @Query() query: Record<string, unknown>,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const challenge = await this.whatsapp.verify(null, query);
    await res.code(200).type('text/plain').send(challenge);
  }

  @Get(':integrationId')
  async verify(
    @Param('integrationId') integrationId: string,
    @Query() query: Record<string, unknown>,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const challenge = await this.whatsapp.verify(integrationId, query);
    await res.code(200).type('text/plain').send(challenge);
  }

  @Post()
  @HttpCode(200)
  async eventsApp(
    @Body() raw: unknown,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<string> {
    await this.whatsapp.receive(null, raw, signature);
    return 'OK';
  }

  @Post(':integrationId')
  @HttpCode(200)
  async events(
    @Param('integrationId') integrationId: string,
    @Body() raw: unknown,
    @Headers('x-hub-signature-256') signature: string | undefined,
  ): Promise<string> {
    await this.whatsapp.receive(integrationId, raw, signature);
    return 'OK';
  }
}
