import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ConversationRepository } from '../../conversation/conversation.repository';
import { askedRetryAfterMs, postSigned } from '../../events/signed-post';
import { SecretBox } from '../../integrations/crypto/secret-box';
import { SsrfGuard } from '../../integrations/http/ssrf-guard';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import { openSecrets } from '../../integrations/types/open-secrets';
import type {
  RestApiIntegrationConfig,
  RestApiSecrets,
} from '../../integrations/types/rest-api.integration-type';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../../outbox/outbox-handler';
import { OutboxHandlers } from '../../outbox/outbox-handlers';
import {
  REST_API_REPLY_KIND,
  restApiWebhookBody,
  type RestApiReplyPayload,
} from './rest-api-payload';
import { REST_API_CHANNEL } from './rest-api-session';

/** A business backend down for a while (redeploying) still gets its replies: about an hour of backoff. */
const MAX_ATTEMPTS = 20;

/**
 * POSTs replies to a rest-api integration's `webhook_url`, signed with its `webhook_secret`
 * (X-Sarufi-Signature, as events are), one user's in order (the outbox's ordering key). Any
 * answer but 2xx is tried again later (honouring Retry-After); the messages are marked `sent`
 * on a 2xx, `failed` after the last try. The URL and the secret are read at each attempt, so
 * a changed URL or a rotated secret applies to the next one.
 */
@Injectable()
export class RestApiReplyOutboxHandler implements OutboxHandler, OnModuleInit {
  readonly kind = REST_API_REPLY_KIND;
  readonly maxAttempts = MAX_ATTEMPTS;
  /** `webhook_url` is the tenant's to set: private and internal addresses are refused. */
  private readonly guard: SsrfGuard;

  constructor(
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.guard = new SsrfGuard({ allowHosts: config.outboundAllowHosts });
  }

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(row: OutboxDelivery): Promise<DeliveryResult> {
    const p = row.payload as RestApiReplyPayload;
    const fail = (code: string, title: string, error: string): DeliveryResult => ({
      ok: false,
      retryable: false,
      error,
      record: ConversationRepository.markFailed(p.messageIds, { code, title }),
    });
    const integration = await this.integrations.findChannel(p.integrationId, REST_API_CHANNEL);
    if (!integration || integration.chatbot_id !== row.chatbotId)
      return fail(
        'integration_deleted',
        'The rest-api integration was deleted before the message was sent.',
        'integration deleted',
      );
    const answer = await postSigned(this.guard, {
      url: (integration.config as RestApiIntegrationConfig).webhook_url,
      secret: openSecrets<RestApiSecrets>(integration, this.box)?.webhook_secret ?? '',
      body: JSON.stringify(
        restApiWebhookBody(
          { id: row.id, chatbotId: row.chatbotId, conversationId: row.conversationId ?? '' },
          p,
        ),
      ),
      id: row.id,
    });
    if ('blocked' in answer)
      return fail(
        'blocked_address',
        'webhook_url points at a private or internal address.',
        `blocked_address: ${answer.blocked}`,
      );
    if (answer.status >= 200 && answer.status < 300)
      return {
        ok: true,
        detail: `HTTP ${answer.status}`,
        record: ConversationRepository.markSent(p.messageIds, null, null),
      };
    const error = answer.status === 0 ? 'no answer' : `HTTP ${answer.status}`;
    const retryAfterMs = askedRetryAfterMs(answer);
    return {
      ok: false,
      retryable: true,
      error,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(row.attempt >= MAX_ATTEMPTS
        ? {
            record: ConversationRepository.markFailed(p.messageIds, {
              code: 'webhook_failed',
              title:
                answer.status === 0
                  ? 'webhook_url did not answer.'
                  : `webhook_url answered HTTP ${answer.status}.`,
            }),
          }
        : {}),
    };
  }
}
