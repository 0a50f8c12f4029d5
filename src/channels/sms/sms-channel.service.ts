import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { newId } from '../../common/new-id';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { publicBaseUrl } from '../../config/public-base-url';
import type { NewInboxEvent } from '../../inbox/inbox-event';
import { InboxService } from '../../inbox/inbox.service';
import { SecretBox } from '../../integrations/crypto/secret-box';
import type { IntegrationRow } from '../../integrations/integration-row';
import { openSecrets } from '../../integrations/types/open-secrets';
import type { SmsIntegrationConfig } from '../../integrations/types/sms.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { ChannelIntegrations } from '../channel-integrations';
import { ProviderRequestError, e164 } from '../provider-request';

import { type SmsProvider, type SmsWebhookEvent } from './providers/sms-provider';
import { twimlReply, verifyTwilioSignature } from './providers/twilio.provider';
import { SMS_CHANNEL, SMS_INBOX, smsProviderOf, type SmsMessagePayload } from './sms-events';
import { SmsMessageInboxHandler } from './sms-inbox.handlers';
import { keywordOf } from './sms-text';

/** How long an inline (Twilio) message stays this request's before the inbox takes it. */
const INLINE_CLAIM_MS = 30_000;

/** What the webhook answers. */
export interface SmsWebhookReply {
  contentType: string;
  body: string;
}

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
    @Inject(SmsMessageInboxHandler) private readonly messages: SmsMessageInboxHandler,
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
      if (!(err instanceof ProviderRequestError)) throw err;
      this.count(provider, 'bad_request');
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid ${provider.name} request.`, [
        { path: err.path, message: err.message },
      ]);
    }
    const { outcome, replies } = await this.store(row, provider, config, event);
    this.count(provider, outcome);
    return provider.repliesInline
      ? { contentType: 'text/xml; charset=utf-8', body: twimlReply(replies) }
      : { contentType: 'text/plain; charset=utf-8', body: '' };
  }

  /**
   * Twilio: the message is stored claimed for this request and its turn runs now, so the
   * replies go back as TwiML. If this request fails first, the claim runs out and the inbox
   * processes the message like any other, sending the replies through the Messages API.
   */
  private async runInline(event: NewInboxEvent): Promise<{ outcome: string; replies: string[] }> {
    const { duplicate, run, owner } = await this.inbox.acceptInline(event, INLINE_CLAIM_MS);
    if (duplicate) return { outcome: 'duplicate', replies: [] };
    // An earlier message of this number is still pending: this one follows it, by the API.
    if (!run) return { outcome: 'message', replies: [] };
    try {
      const { committed, replies } = await this.messages.run(run, true);
      // STOP/START (no turn): done now, or the number's next messages would wait for the claim.
      if (!committed) await this.inbox.completeInline(run.id, owner);
      return { outcome: 'message', replies };
    } catch (err) {
      this.logger.warn(
        { err, inbox_event_id: run.id },
        'SMS: inline turn failed; the inbox retries it',
      );
      return { outcome: 'message', replies: [] };
    }
  }

  /** Twilio signs the URL it called (PUBLIC_BASE_URL + path) and the form: 401 otherwise. */
  private checkTwilioSignature(
    row: IntegrationRow,
    request: { body: unknown; url: string; signature: string | undefined },
  ): void {
    const authToken = openSecrets(row, this.box)?.auth_token ?? '';
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
  ): Promise<{ outcome: string; replies: string[] }> {
    const common = { integrationId: row.id, chatbotId: row.chatbot_id, channel: SMS_CHANNEL };
    const done = (outcome: string) => ({ outcome, replies: [] });
    switch (event.kind) {
      case 'message': {
        const m = event.message;
        // A message to another number than this integration's (when it sends from a number
        // or short code, not a name): not ours to answer; ignored and counted.
        const ours = config.fields[provider.senderField];
        if (ours && /^\+?[0-9]+$/.test(ours) && e164(m.to) !== e164(ours))
          return done('unknown_to');
        const userId = e164(m.from);
        const payload: SmsMessagePayload = {
          userId,
          text: m.text,
          ...(m.linkId ? { linkId: m.linkId } : {}),
          ...(m.keyword ? { keyword: m.keyword } : {}),
        };
        const inbound: NewInboxEvent = {
          ...common,
          kind: SMS_INBOX.message,
          providerMessageId: m.providerMessageId,
          sessionKey: userId,
          payload,
        };
        if (provider.repliesInline) return this.runInline(inbound);
        // A turn of the number's session, unless it is an opt-out keyword (no turn).
        const turnKey = keywordOf(m.text, config.opt_out_keywords) ? undefined : userId;
        const stored = await this.inbox.acceptAndProcess(inbound, turnKey);
        return done(stored ? 'message' : 'duplicate');
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
        return done(stored ? 'status' : 'duplicate');
      }
      case 'unknown_status':
        // Acknowledged (a refusal would only be retried), the message left as it is, and
        // logged with the status so that the provider's table can learn it.
        this.logger.warn(
          {
            provider: provider.name,
            status: event.status,
            provider_message_id: event.providerMessageId,
          },
          'SMS webhook: delivery status not known; the message is left as it is',
        );
        return done('unknown_status');
      case 'opt_out':
        await this.inbox.accept({
          ...common,
          kind: SMS_INBOX.optOut,
          providerMessageId: `opt_out:${newId()}`,
          sessionKey: null,
          payload: { userId: e164(event.phone) },
        });
        return done('opt_out');
    }
  }

  private count(provider: SmsProvider, outcome: string): void {
    this.metrics.smsInbound.inc({ provider: provider.name, outcome });
    if (outcome === 'bad_signature' || outcome === 'unknown_to')
      this.logger.warn({ provider: provider.name, outcome }, 'SMS webhook: request not taken');
  }
}
