import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConversationRepository } from '../../conversation/conversation.repository';
import { SecretBox } from '../../integrations/crypto/secret-box';
import { ChannelIntegrations } from '../channel-integrations';
import { openSecrets } from '../../integrations/types/open-secrets';
import type { SmsIntegrationConfig } from '../../integrations/types/sms.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { OPTED_OUT_ERROR, optedOutSql } from '../../opt-outs/opt-outs-sql';
import { OptOutsRepository } from '../../opt-outs/opt-outs.repository';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../../outbox/outbox-handler';
import { OutboxHandlers } from '../../outbox/outbox-handlers';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SsrfGuard } from '../../integrations/http/ssrf-guard';
import { smsSegments } from '../render/gsm-text';
import { providerRequest } from '../provider-http';
import { SMS_CHANNEL, smsProviderOf } from './sms-events';

/** One SMS to send (outbox kind `sms.send`). */
export interface SmsSendPayload {
  integrationId: string;
  to: string;
  text: string;
  /** The stored messages joined into this SMS (none for an opt-out confirmation). */
  messageIds: string[];
  linkId?: string;
  keyword?: string;
  /** The opt-out or opt-in confirmation: the one SMS an opted-out number gets. */
  confirmation?: boolean;
}

/** Tries of one send; failures past it are recorded on the messages. */
const MAX_ATTEMPTS = 6;

/**
 * Sends SMS through the provider's API, one at a time per number in order (the outbox's
 * ordering key). Nothing is sent to an opted-out number but its confirmation. The result is
 * recorded on the messages joined into the SMS: `sent` with the provider's id and the
 * segment count, or `failed` with the provider's code.
 */
@Injectable()
export class SmsSendOutboxHandler implements OutboxHandler, OnModuleInit {
  readonly kind = 'sms.send';
  readonly maxAttempts = MAX_ATTEMPTS;
  /**
   * A provider's API answers in tens of milliseconds and each number's SMS go one at a time
   * anyway (the ordering key): a busy chatbot's replies get more room than its API calls.
   */
  readonly perChatbot = 16;
  /** Whether the number opted out, looked up by the statement that claims the send. */
  readonly claimCheck = optedOutSql({
    chatbotId: 'o.chatbot_id',
    channel: `'${SMS_CHANNEL}'`,
    userId: "o.payload->>'to'",
  });

  constructor(
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.guard = new SsrfGuard({ allowHosts: config.outboundAllowHosts });
  }

  /** `api_base` is the tenant's to set: private and internal addresses are refused. */
  private readonly guard: SsrfGuard;

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(row: OutboxDelivery): Promise<DeliveryResult> {
    const p = row.payload as SmsSendPayload;
    const integration = await this.integrations.byId(SMS_CHANNEL, p.integrationId);
    if (!integration)
      return {
        ok: false,
        retryable: false,
        error: 'integration deleted',
        record: ConversationRepository.markFailed(p.messageIds, {
          code: 'integration_deleted',
          title: 'The SMS integration was deleted before the message was sent.',
        }),
      };
    const config = integration.config as SmsIntegrationConfig;
    const provider = smsProviderOf(config);
    // A turn's commit checked the opt-out list just now, a claim as it took the row; a row
    // handed over otherwise looks again. A confirmation is sent whatever the list says.
    const optedOut =
      !p.confirmation &&
      !row.claimedInCommit &&
      (row.claimCheck ?? (await this.optOuts.isOptedOut(row.chatbotId, SMS_CHANNEL, p.to)));
    if (optedOut) {
      this.metrics.smsSends.inc({ provider: provider.name, outcome: 'opted_out' });
      return {
        ok: true,
        detail: 'opted out: not sent',
        record: ConversationRepository.markFailed(p.messageIds, OPTED_OUT_ERROR),
      };
    }
    const credentials = { ...config.fields, ...openSecrets(integration, this.box) };
    const request = provider.buildSend(credentials, config.api_base, {
      to: p.to,
      text: p.text,
      from: config.fields[provider.senderField] ?? null,
      ...(p.linkId ? { linkId: p.linkId, keyword: p.keyword } : {}),
    });
    const allowed = await this.guard.check(new URL(request.url).hostname);
    if (!allowed.ok)
      return {
        ok: false,
        retryable: false,
        error: `blocked_address: ${allowed.reason}`,
        record: ConversationRepository.markFailed(p.messageIds, {
          code: 'blocked_address',
          title: 'api_base points at a private or internal address.',
        }),
      };
    const answer = await providerRequest(request);
    const result = provider.readSendResponse(answer.status, answer.body);
    if (result.ok) {
      this.metrics.smsSends.inc({ provider: provider.name, outcome: 'sent' });
      return {
        ok: true,
        detail: result.providerMessageId ?? 'sent',
        // With the integration: its delivery reports, and no other's, name these messages.
        record: ConversationRepository.markSent(
          p.messageIds,
          result.providerMessageId,
          smsSegments(p.text).parts,
          p.integrationId,
        ),
      };
    }
    const last = !result.retryable || row.attempt >= MAX_ATTEMPTS;
    this.metrics.smsSends.inc({ provider: provider.name, outcome: last ? 'failed' : 'retry' });
    return {
      ok: false,
      retryable: result.retryable,
      error: `${result.code}: ${result.title}`,
      ...(last
        ? {
            record: ConversationRepository.markFailed(p.messageIds, {
              code: result.code,
              title: result.title,
            }),
          }
        : {}),
    };
  }
}
