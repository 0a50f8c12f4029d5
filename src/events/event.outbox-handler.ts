import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ChatbotsService } from '../chatbots/chatbots.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SsrfGuard } from '../integrations/http/ssrf-guard';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers';
import { EVENT_KIND, type ConversationEvent } from './conversation-event';
import { askedRetryAfterMs, postSigned } from './signed-post';

/** A receiver down for a while (a helpdesk redeploying) still gets its events: about an hour of backoff. */
const MAX_ATTEMPTS = 20;

/**
 * POSTs conversation events to the chatbot's `events_url`, signed with its `events_secret`
 * (X-Sarufi-Signature), one conversation's events in order (the outbox's ordering key). Any
 * answer but 2xx is tried again later (after the Retry-After of a 429 or 503, as a rest-api
 * reply is). A chatbot that turned events off meanwhile drops them.
 */
@Injectable()
export class EventOutboxHandler implements OutboxHandler, OnModuleInit {
  readonly kind = EVENT_KIND;
  readonly maxAttempts = MAX_ATTEMPTS;
  /** `events_url` is the tenant's to set: private and internal addresses are refused. */
  private readonly guard: SsrfGuard;

  constructor(
    @Inject(ChatbotsService) private readonly chatbots: ChatbotsService,
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.guard = new SsrfGuard({ allowHosts: config.outboundAllowHosts });
  }

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(row: OutboxDelivery): Promise<DeliveryResult> {
    const event = row.payload as ConversationEvent;
    const target = await this.chatbots.eventsTarget(row.chatbotId);
    if (!target) return { ok: true, detail: 'events turned off: dropped' };
    const answer = await postSigned(this.guard, {
      url: target.url,
      secret: target.secret,
      body: JSON.stringify(event),
      id: event.id,
      type: event.type,
    });
    if ('blocked' in answer)
      return { ok: false, retryable: false, error: `blocked_address: ${answer.blocked}` };
    if (answer.status >= 200 && answer.status < 300)
      return { ok: true, detail: `HTTP ${answer.status}` };
    const retryAfterMs = askedRetryAfterMs(answer);
    return {
      ok: false,
      retryable: true,
      error: answer.status === 0 ? 'no answer' : `HTTP ${answer.status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
}
