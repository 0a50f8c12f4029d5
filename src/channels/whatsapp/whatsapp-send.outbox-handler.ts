import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ConversationRepository } from '../../conversation/conversation.repository';
import type { DeliveryError } from '../../conversation/messages-delivered-sql';
import { MetricsService } from '../../metrics/metrics.service';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../../outbox/outbox-handler';
import { OutboxHandlers } from '../../outbox/outbox-handlers';
import { ChannelIntegrations } from '../channel-integrations';
import { retryDelayMs } from './graph-api';
import { MediaSentWaiter } from './media-sent-waiter';
import { WhatsAppGraph } from './whatsapp-graph';
import { WHATSAPP_CHANNEL, type WhatsAppSendPayload } from './whatsapp-session';

/**
 * Sends WhatsApp messages through the Graph API, one at a time per user in order (the
 * outbox's ordering key). Rate limits (429, 130429, 131056) and Meta's 5xx are retried with
 * growing jittered delays; 131047 and 131026 are final and recorded; 190 also marks the
 * integration `auth_failed`. After a media send, the next message waits for its status.
 */
@Injectable()
export class WhatsAppSendOutboxHandler implements OutboxHandler, OnModuleInit {
  readonly kind = 'whatsapp.send';
  readonly maxAttempts = 8;
  /**
   * Sends in flight per chatbot (one user's go one at a time anyway). Meta allows a number 80
   * messages a second by default and up to 1,000 after its automatic upgrade (more: 130429,
   * retried); at the 100–400 ms a send can take, 80 a second needs up to 32 in flight.
   */
  readonly perChatbot = 32;

  constructor(
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(WhatsAppGraph) private readonly graph: WhatsAppGraph,
    @Inject(MediaSentWaiter) private readonly mediaSent: MediaSentWaiter,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(row: OutboxDelivery): Promise<DeliveryResult> {
    const p = row.payload as WhatsAppSendPayload;
    const integration = await this.integrations.byId(WHATSAPP_CHANNEL, p.integrationId);
    if (!integration)
      return this.final(p, {
        code: 'integration_deleted',
        title: 'The WhatsApp integration was deleted before the message was sent.',
      });
    const result = await this.graph.send(integration, { id: p.to, kind: p.toKind }, p.body);
    if (result.ok) {
      this.count('sent');
      if (p.media) await this.mediaSent.wait(result.wamid, this.config.whatsappMediaWaitMs);
      return {
        ok: true,
        detail: result.wamid,
        ...(p.records
          ? { record: ConversationRepository.markSent(p.messageIds, result.wamid, null) }
          : {}),
      };
    }
    const error = { code: result.code, title: result.title };
    if (result.outcome === 'auth') {
      await this.graph.markAuthFailed(integration, result.code);
      this.count('auth_failed');
      return this.final(p, error, false);
    }
    if (result.outcome === 'final') return this.final(p, error);
    const last = row.attempt >= this.maxAttempts;
    if (last) return this.final(p, error);
    this.count('retry');
    return {
      ok: false,
      retryable: true,
      error: `${result.code}: ${result.title}`,
      retryAfterMs: retryDelayMs(row.attempt, Math.random, result.retryAfterMs),
    };
  }

  private final(p: WhatsAppSendPayload, error: DeliveryError, counted = true): DeliveryResult {
    if (counted) this.count('failed');
    return {
      ok: false,
      retryable: false,
      error: `${error.code}: ${error.title}`,
      record: ConversationRepository.markFailed(p.messageIds, error),
    };
  }

  private count(outcome: 'sent' | 'retry' | 'failed' | 'auth_failed'): void {
    this.metrics.whatsappSends.inc({ outcome });
  }
}
