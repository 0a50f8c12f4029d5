import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { publicBaseUrl } from '../../config/public-base-url';
import { ConversationRepository } from '../../conversation/conversation.repository';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { TurnService } from '../../conversation/turn.service';
import type { GenericMessage } from '../../engine';
import { InboxEventRejected, type InboxEvent, type InboxHandler } from '../../inbox/inbox-event';
import { InboxHandlers } from '../../inbox/inbox-handlers';
import { inboxTurn } from '../../inbox/message.inbox-handler';
import { MetricsService } from '../../metrics/metrics.service';
import { OutboxDispatcher } from '../../outbox/outbox-dispatcher';
import { OutboxRepository } from '../../outbox/outbox.repository';
import { ChannelIntegrations } from '../channel-integrations';
import { MediaSentWaiter } from './media-sent-waiter';
import type { WhatsAppEvent } from './whatsapp-events';
import { WhatsAppGraph } from './whatsapp-graph';
import {
  readWhatsAppInput,
  UNSUPPORTED_REPLY,
  WHATSAPP_CHANNEL,
  WHATSAPP_INBOX,
  whatsappSend,
  whatsappSends,
  whatsappKeyPrefix,
  whatsappSessionKey,
  whatsappState,
  type WhatsAppMessagePayload,
} from './whatsapp-session';

/**
 * `whatsapp.message`: marks the message read with the typing indicator on, then runs the
 * turn of the user's session; the replies leave through the ordered outbox in the turn's
 * commit. A type the bot cannot read gets a polite answer instead of a turn.
 */
@Injectable()
export class WhatsAppMessageInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = WHATSAPP_INBOX.message;
  private readonly baseUrl: string;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(WhatsAppGraph) private readonly graph: WhatsAppGraph,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = publicBaseUrl(config);
  }

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<'committed' | undefined> {
    const p = event.payload as WhatsAppMessagePayload;
    const row = await this.integrations.byId(WHATSAPP_CHANNEL, event.integrationId);
    if (!row) throw new InboxEventRejected('The WhatsApp integration was deleted.');
    // Not awaited: the user sees "typing…" while the flow runs (a slow API_CALL included).
    if (event.attempt === 1) this.graph.markRead(row, p.wamid);
    const to = { userId: p.userId, userKind: p.userKind };
    if (!p.message) {
      // System notices (a changed identity, a welcome request) are not the user talking.
      if (p.unsupportedType?.startsWith('system:') || p.unsupportedType === 'request_welcome')
        return undefined;
      // During a handoff the bot says nothing, this included.
      const key = whatsappSessionKey(row.id, p.userId);
      if (await this.conversations.handedOff(event.chatbotId, WHATSAPP_CHANNEL, key))
        return undefined;
      await this.outbox.enqueue(
        [
          whatsappSend(row.id, to, {
            body: { type: 'text', text: { body: UNSUPPORTED_REPLY } },
            media: false,
            messageIds: [],
            records: false,
          }),
        ],
        { chatbotId: event.chatbotId, conversationId: null },
      );
      this.dispatcher.kick();
      return undefined;
    }
    const message = this.withMediaUrl(event.chatbotId, p.message);
    // Meta's send time; one in the future (a skewed clock) must not stretch the 24-hour window.
    const inboundAt = Math.min(p.timestamp * 1000, Date.now());
    const turn: InboundTurn = {
      chatbotId: event.chatbotId,
      channel: WHATSAPP_CHANNEL,
      session: {
        kind: 'key',
        userId: p.userId,
        sessionKey: whatsappSessionKey(row.id, p.userId),
      },
      message,
      contactName: p.contactName ?? null,
      inboxEventId: event.id,
      earlyLease: event.earlyLease,
      channelState: {
        read: (stored) => readWhatsAppInput(message, stored),
        write: (replies, _open, waitedAgain) => whatsappState(replies, inboundAt, waitedAgain),
      },
      sends: (replies, messageIds) => whatsappSends(row.id, to, replies, messageIds),
    };
    const outcome = await inboxTurn(this.turns, turn);
    return outcome.aside ? undefined : 'committed';
  }

  /** An inbound media message points at the gateway's media route (Meta's URLs expire). */
  private withMediaUrl(chatbotId: string, m: GenericMessage): GenericMessage {
    if (!('media_id' in m) || !m.media_id) return m;
    return {
      ...m,
      media_url: `${this.baseUrl}/api/dev/v1/chatbots/${chatbotId}/media/${encodeURIComponent(m.media_id)}`,
    };
  }
}

/** Tries of a status that named no message yet (Meta reported it before its send's answer). */
const STATUS_TRIES = 4;

/** `whatsapp.status`: a status that came before its send was recorded, tried again. */
@Injectable()
export class WhatsAppStatusInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = WHATSAPP_INBOX.status;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(MediaSentWaiter) private readonly mediaSent: MediaSentWaiter,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const s = event.payload as Extract<WhatsAppEvent, { kind: 'status' }>;
    const updated = await this.conversations.applyDeliveryReport(
      event.chatbotId,
      WHATSAPP_CHANNEL,
      s.wamid,
      s.status,
      s.error ?? null,
      whatsappKeyPrefix(event.integrationId),
    );
    if (updated) this.mediaSent.reported(s.wamid);
    if (!updated && event.attempt < STATUS_TRIES)
      throw new Error(`no message with wamid ${s.wamid} yet`);
    // A message we never sent (or another number's): ignored, and counted.
    this.metrics.deliveryReports.inc({
      channel: WHATSAPP_CHANNEL,
      outcome: updated ? 'applied' : 'unknown_id',
    });
  }
}

/** `whatsapp.user_changed`: the user's open session moves to their new number or id. */
@Injectable()
export class WhatsAppUserChangedInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = WHATSAPP_INBOX.userChanged;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const c = event.payload as Extract<WhatsAppEvent, { kind: 'user_changed' }>;
    const moved = await this.conversations.moveUser(
      event.chatbotId,
      WHATSAPP_CHANNEL,
      whatsappSessionKey(event.integrationId, c.oldUserId),
      { key: whatsappSessionKey(event.integrationId, c.newUserId), userId: c.newUserId },
    );
    this.logger.info(
      { integration_id: event.integrationId, moved },
      'WhatsApp: a user changed number or id',
    );
  }
}

/**
 * `whatsapp.echo`: a person answered from the WhatsApp Business app (coexistence): the
 * user's active session is handed off, so the bot stops talking over them.
 */
@Injectable()
export class WhatsAppEchoInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = WHATSAPP_INBOX.echo;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const echo = event.payload as Extract<WhatsAppEvent, { kind: 'echo' }>;
    await this.conversations.handOffByKey(
      event.chatbotId,
      WHATSAPP_CHANNEL,
      whatsappSessionKey(event.integrationId, echo.userId),
    );
  }
}
