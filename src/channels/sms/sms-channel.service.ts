import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { newId } from '../../common/new-id';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { publicBaseUrl } from '../../config/public-base-url';
import { InboxService } from '../../inbox/inbox.service';
import { SecretBox } from '../../integrations/crypto/secret-box';
import type { IntegrationRow } from '../../integrations/integration-row';
import {
  openSecrets,
  type SmsIntegrationConfig,
} from '../../integrations/types/sms.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { ChannelIntegrations } from '../channel-integrations';
import { e164 } from '../phone-number';
import { SMS_PROVIDERS } from './providers';
import { SmsRequestError, type SmsProvider, type SmsWebhookEvent } from './providers/sms-provider';
import { twimlReply, verifyTwilioSignature } from './providers/twilio.provider';

export const SMS_CHANNEL = 'sms';

/** The inbox kinds of the SMS channel, each with its handler in sms-inbox.handlers.ts. */
export const SMS_INBOX = {
  message: 'sms.message',
  status: 'sms.status',
  optOut: 'sms.opt_out',
} as const;

/** The payload of an `sms.message` inbox event. */
export interface SmsMessagePayload {
  userId: string;
  text: string;
  linkId?: string;
  keyword?: string;
}

/** What the webhook answers. */
export interface SmsWebhookReply {
  contentType: string;
  body: string;
}

/** The provider of a stored sms integration. */
export const smsProviderOf = (config: SmsIntegrationConfig): SmsProvider =>
  SMS_PROVIDERS.get(config.provider)!;

/**
 * The SMS channel's webhook (contract: channels.md › SMS): checks the token (and Twilio's
 * signature), reads the post with its provider's file, and stores it once in the inbox
 * (deduplicated on the provider's id). Turns, delivery reports and opt-outs are processed
 * from the inbox; replies leave through the ordered outbox.
 */
@Injectable()
export class SmsChannelService {
  private readonly baseUrl: string;

  constructor(
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(InboxService) private readonly inbox: InboxService,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.baseUrl = publicBaseUrl(config);
  }

  async receive(
    integrationId: string,
    token: string,
    request: { body: unknown; url: string; signature: string | undefined },
  ): Promise<SmsWebhookReply> {
    const row = await this.integrations.find(SMS_CHANNEL, integrationId, token);
    const config = row.config as SmsIntegrationConfig;
    const provider = smsProviderOf(config);
    if (provider.name === 'twilio') this.checkTwilioSignature(row, request);
    let event: SmsWebhookEvent;
    try {
      event = provider.parse(request.body);
    } catch (err) {
      if (!(err instanceof SmsRequestError)) throw err;
      this.count(provider, 'bad_request');
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid ${provider.name} request.`, [
        { path: err.path, message: err.message },
      ]);
    }
    const outcome = await this.store(row, provider, config, event);
    this.count(provider, outcome);
    // Twilio reads its answer as TwiML; replies are sent through its Messages API.
    return provider.repliesInline
      ? { contentType: 'text/xml; charset=utf-8', body: twimlReply([]) }
      : { contentType: 'text/plain; charset=utf-8', body: '' };
  }

  /** Twilio signs the URL it called (PUBLIC_BASE_URL + path) and the form: 401 otherwise. */
  private checkTwilioSignature(
    row: IntegrationRow,
    request: { body: unknown; url: string; signature: string | undefined },
  ): void {
    const { auth_token: authToken } = openSecrets(row, this.box);
    const params = (request.body ?? {}) as Record<string, unknown>;
    if (!verifyTwilioSignature(authToken, this.baseUrl + request.url, params, request.signature)) {
      this.count(smsProviderOf(row.config as SmsIntegrationConfig), 'bad_signature');
      throw new DomainError(ErrorCode.Unauthenticated, 'Invalid X-Twilio-Signature.');
    }
  }

  private async store(
    row: IntegrationRow,
    provider: SmsProvider,
    config: SmsIntegrationConfig,
    event: SmsWebhookEvent,
  ): Promise<string> {
    const common = { integrationId: row.id, chatbotId: row.chatbot_id, channel: SMS_CHANNEL };
    switch (event.kind) {
      case 'message': {
        const m = event.message;
        const ours = config.fields[provider.senderField];
        // A message to another number than this integration's: not ours to answer.
        if (provider.name === 'twilio' && ours && e164(m.to) !== e164(ours)) return 'unknown_to';
        const userId = e164(m.from);
        const payload: SmsMessagePayload = {
          userId,
          text: m.text,
          ...(m.linkId ? { linkId: m.linkId } : {}),
          ...(m.keyword ? { keyword: m.keyword } : {}),
        };
        const stored = await this.inbox.accept({
          ...common,
          kind: SMS_INBOX.message,
          providerMessageId: m.providerMessageId,
          sessionKey: userId,
          payload,
        });
        return stored ? 'message' : 'duplicate';
      }
      case 'status': {
        const stored = await this.inbox.accept({
          ...common,
          kind: SMS_INBOX.status,
          // One event per status of a message: a repeat of the same report is dropped.
          providerMessageId: `status:${event.providerMessageId}:${event.status}`,
          sessionKey: null,
          payload: event,
        });
        return stored ? 'status' : 'duplicate';
      }
      case 'opt_out':
        await this.inbox.accept({
          ...common,
          kind: SMS_INBOX.optOut,
          providerMessageId: `opt_out:${newId()}`,
          sessionKey: null,
          payload: { userId: e164(event.phone) },
        });
        return 'opt_out';
    }
  }

  private count(provider: SmsProvider, outcome: string): void {
    this.metrics.smsInbound.inc({ provider: provider.name, outcome });
    if (outcome === 'bad_signature' || outcome === 'unknown_to')
      this.logger.warn({ provider: provider.name, outcome }, 'SMS webhook: request not taken');
  }
}
