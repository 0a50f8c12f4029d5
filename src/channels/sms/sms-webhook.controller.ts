import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SmsChannelService } from './sms-channel.service';

/**
 * SMS provider callbacks: `POST /webhooks/sms/{integration_id}/{webhook_token}` takes inbound
 * messages, delivery reports, status callbacks and opt-out callbacks alike. A wrong id or
 * token is a 404; a bad Twilio signature a 401.
 */
@ApiExcludeController()
@Controller('webhooks/sms/:integrationId/:token')
export class SmsWebhookController {
  constructor(@Inject(SmsChannelService) private readonly sms: SmsChannelService) {}

  @Post()
  @HttpCode(200)
  async callback(
    @Param('integrationId') integrationId: string,
    @Param('token') token: string,
    @Body() body: unknown,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const reply = await this.sms.receive(integrationId, token, {
      body,
      url: req.originalUrl,
      signature,
    });
    await res.code(200).type(reply.contentType).send(reply.body);
  }
}
