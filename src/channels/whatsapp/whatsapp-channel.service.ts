import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode, notFound } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { ConversationRepository } from '../../conversation/conversation.repository';
import type { NewInboxEvent } from '../../inbox/inbox-event';
import { InboxService } from '../../inbox/inbox.service';
import { SecretBox } from '../../integrations/crypto/secret-box';
import type { IntegrationRow } from '../../integrations/integration-row';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import { openSecrets } from '../../integrations/types/open-secrets';
import { sameToken } from '../../integrations/types/webhook-token';
import type {
  WhatsAppIntegrationConfig,
  WhatsAppSecrets,
} from '../../integrations/types/whatsapp.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { ChannelIntegrations } from '../channel-integrations';
import { ProviderRequestError } from '../provider-request';
import { MediaSentWaiter } from './media-sent-waiter';
import { readWhatsAppWebhook, type WhatsAppEvent } from './whatsapp-events';
import {
  WHATSAPP_CHANNEL,
  WHATSAPP_INBOX,
  whatsappKeyPrefix,
  whatsappSessionKey,
  type WhatsAppMessagePayload,
} from './whatsapp-session';
import { looksSigned, verifyWhatsAppSignature } from './whatsapp-signature';

type Outcome =
  | 'accepted'
  | 'duplicate'
  | 'bad_signature'
  | 'ignored'
  | 'invalid'
  | 'status'
  | 'reaction'
  | 'error';

/**
 * The WhatsApp channel's webhooks (contract: channels.md › WhatsApp): the verify handshake,
 * and signed event batches checked over their raw bytes, walked whole, and stored in the
 * inbox (once per `wamid`) before the 200. Turns run after the answer, from the inbox.
 * Statuses and reactions are one write each, made before the answer.
 */
@Injectable()
export class WhatsAppChannelService {
  constructor(
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(IntegrationsRepository) private readonly rows: IntegrationsRepository,
    @Inject(InboxService) private readonly inbox: InboxService,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(MediaSentWaiter) private readonly mediaSent: MediaSentWaiter,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The GET handshake: `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
   * is the integration's (any WhatsApp integration's on the app-level URL); 403 otherwise.
   */
  async verify(integrationId: string | null, query: Record<string, unknown>): Promise<string> {
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const forbidden = (detail = 'The verify token does not match.') =>
      new DomainError(ErrorCode.Forbidden, detail);
    if (mode !== 'subscribe') throw forbidden('hub.mode must be subscribe.');
    if (typeof token !== 'string') throw forbidden();
    // Meta's challenges are digits; anything echoed back is kept to visible ASCII.
    if (typeof challenge !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(challenge))
      throw forbidden('hub.challenge must be 1 to 256 visible ASCII characters.');
    const candidates = integrationId
      ? [await this.integrations.byId(WHATSAPP_CHANNEL, integrationId)]
      : await this.rows.allOfType(WHATSAPP_CHANNEL);
    const matches = candidates.some(
      (row) => row && sameToken((row.config as WhatsAppIntegrationConfig).verify_token, token),
    );
    if (!matches) throw forbidden();
    return challenge;
  }

  /**
   * A signed POST. On an integration's URL the signature is checked with its app secret (404
   * for an unknown id; events of other numbers are ignored); on the app-level URL each change
   * goes to the integration owning its phone number id (see ownersOf).
   */
  async receive(
    integrationId: string | null,
    raw: unknown,
    signature: string | undefined,
  ): Promise<void> {
    if (!Buffer.isBuffer(raw) || raw.length === 0)
      throw new DomainError(ErrorCode.BadRequest, 'The body must be JSON (application/json).');
    const own = integrationId
      ? await this.integrations.byId(WHATSAPP_CHANNEL, integrationId)
      : null;
    if (integrationId && !own) throw notFound('Integration');
    // Meta signs every POST: one without a signature is refused on the app-level URL too,
    // even when it names no number of ours (whose secret could check it).
    if (!looksSigned(signature)) return this.refuseSignature();
    if (own && !this.signedBy(own, raw, signature)) return this.refuseSignature();
    const events = this.read(raw);
    const owners = own
      ? new Map([[(own.config as WhatsAppIntegrationConfig).phone_number_id, own]])
      : await this.ownersOf(events, raw, signature);
    for (const event of events) {
      const row = event.phoneNumberId === undefined ? null : owners.get(event.phoneNumberId);
      if (row) {
        this.count(await this.take(row, event));
        continue;
      }
      this.count(event.kind === 'invalid' ? 'invalid' : 'ignored');
      if (event.kind !== 'invalid' && event.kind !== 'ignored')
        this.logger.warn(
          { phone_number_id: event.phoneNumberId ?? null },
          'WhatsApp webhook: an event for a number no integration here owns (ignored)',
        );
    }
  }

  /**
   * The app-level URL: the integration owning each number of the batch. The body must be
   * signed with the app secret of every number's owner (one Meta app: one secret); numbers
   * nobody here owns are left out, and their events ignored and counted.
   */
  private async ownersOf(
    events: WhatsAppEvent[],
    raw: Buffer,
    signature: string | undefined,
  ): Promise<Map<string, IntegrationRow>> {
    const owners = new Map<string, IntegrationRow>();
    const numbers = new Set(events.map((e) => e.phoneNumberId).filter((n) => n !== undefined));
    for (const number of numbers) {
      const rows = await this.integrations.byAddress(WHATSAPP_CHANNEL, number);
      if (rows.length === 0) continue;
      const owner = rows.find((row) => this.signedBy(row, raw, signature));
      if (!owner) return this.refuseSignature();
      owners.set(number, owner);
    }
    return owners;
  }

  private read(raw: Buffer): WhatsAppEvent[] {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new DomainError(ErrorCode.BadRequest, 'Request body is not valid JSON.');
    }
    try {
      return readWhatsAppWebhook(body);
    } catch (err) {
      if (!(err instanceof ProviderRequestError)) throw err;
      this.count('invalid');
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid WhatsApp webhook body.', [
        { path: err.path, message: err.message },
      ]);
    }
  }

  private signedBy(row: IntegrationRow, raw: Buffer, signature: string | undefined): boolean {
    const secrets = openSecrets<WhatsAppSecrets>(row, this.box);
    return verifyWhatsAppSignature(secrets?.app_secret ?? '', raw, signature);
  }

  private refuseSignature(): never {
    this.count('bad_signature');
    this.logger.warn('WhatsApp webhook: bad or missing X-Hub-Signature-256 (nothing stored)');
    throw new DomainError(ErrorCode.Unauthenticated, 'Invalid X-Hub-Signature-256.');
  }

  /** One event of a verified batch, for the integration that owns its number. */
  private async take(row: IntegrationRow, event: WhatsAppEvent): Promise<Outcome> {
    const common = {
      integrationId: row.id,
      chatbotId: row.chatbot_id,
      channel: WHATSAPP_CHANNEL,
    };
    switch (event.kind) {
      case 'message': {
        const payload: WhatsAppMessagePayload = {
          wamid: event.wamid,
          userId: event.userId,
          userKind: event.userKind,
          timestamp: event.timestamp,
          message: event.message,
          ...(event.contactName ? { contactName: event.contactName } : {}),
          ...(event.contextId ? { contextId: event.contextId } : {}),
          ...(event.unsupportedType ? { unsupportedType: event.unsupportedType } : {}),
        };
        const stored = await this.inbox.acceptAndProcess(
          {
            ...common,
            kind: WHATSAPP_INBOX.message,
            providerMessageId: event.wamid,
            sessionKey: event.userId,
            payload,
          },
          // A message the bot reads runs a turn of the user's session.
          event.message ? whatsappSessionKey(row.id, event.userId) : undefined,
        );
        return stored ? 'accepted' : 'duplicate';
      }
      case 'status': {
        // Wakes the send waiting after this media message, even before its wamid is stored.
        this.mediaSent.reported(event.wamid);
        const applied = await this.conversations.applyDeliveryReport(
          row.chatbot_id,
          WHATSAPP_CHANNEL,
          event.wamid,
          event.status,
          event.error ?? null,
          whatsappKeyPrefix(row.id),
        );
        if (applied > 0) return 'status';
        // Meta can report a send before its answer reached us: kept for a later try.
        const stored = await this.inbox.accept({
          ...common,
          kind: WHATSAPP_INBOX.status,
          providerMessageId: `status:${event.wamid}:${event.status}`,
          sessionKey: null,
          payload: event,
        });
        return stored ? 'status' : 'duplicate';
      }
      case 'reaction':
        await this.conversations.setReaction(
          row.chatbot_id,
          WHATSAPP_CHANNEL,
          event.reactedTo,
          event.emoji,
          whatsappKeyPrefix(row.id),
        );
        return 'reaction';
      case 'user_changed':
        return this.store({
          ...common,
          kind: WHATSAPP_INBOX.userChanged,
          providerMessageId: event.wamid,
          sessionKey: event.oldUserId,
          payload: event,
        });
      case 'echo':
        return this.store({
          ...common,
          kind: WHATSAPP_INBOX.echo,
          providerMessageId: `echo:${event.wamid}`,
          sessionKey: event.userId,
          payload: event,
        });
      case 'error':
        this.logger.warn(
          { integration_id: row.id, code: event.code, title: event.title },
          'WhatsApp webhook: Meta reported an error',
        );
        return 'error';
      case 'ignored':
        return 'ignored';
      case 'invalid':
        this.logger.warn(
          { integration_id: row.id, path: event.path, reason: event.message },
          'WhatsApp webhook: a malformed item was skipped',
        );
        return 'invalid';
    }
  }

  private async store(event: NewInboxEvent): Promise<Outcome> {
    return (await this.inbox.accept(event)) ? 'accepted' : 'duplicate';
  }

  private count(outcome: Outcome): void {
    this.metrics.whatsappWebhookEvents.inc({ outcome });
  }
}
