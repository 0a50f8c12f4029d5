import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { UssdChannelService } from './ussd-channel.service';

/**
 * USSD gateway callbacks: `POST /webhooks/ussd/{integration_id}/{webhook_token}` (form or
 * JSON, per gateway), and below it the paths Infobip appends (`/session/{id}/start` …).
 * Answered in the gateway's own reply format; a wrong id or token is a 404.
 */
@ApiExcludeController()
@Controller('webhooks/ussd/:integrationId/:token')
export class UssdWebhookController {
  constructor(@Inject(UssdChannelService) private readonly ussd: UssdChannelService) {}

  @Post()
  @HttpCode(200)
  async callback(
    @Param('integrationId') integrationId: string,
    @Param('token') token: string,
    @Body() body: unknown,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.send(res, integrationId, token, body, []);
  }

  @Post('*')
  @HttpCode(200)
  async callbackWithPath(
    @Param('integrationId') integrationId: string,
    @Param('token') token: string,
    @Param('*') path: string,
    @Body() body: unknown,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.send(
      res,
      integrationId,
      token,
      body,
      path.split('/').filter((p) => p !== ''),
    );
  }

  private async send(
    res: FastifyReply,
    integrationId: string,
    token: string,
    body: unknown,
    path: string[],
  ): Promise<void> {
    const reply = await this.ussd.handle(integrationId, token, { body, path });
    await res.code(200).type(reply.contentType).send(reply.body);
  }
}
