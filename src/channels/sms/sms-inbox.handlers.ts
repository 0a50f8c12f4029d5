import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { newId } from '../../common/new-id';
import { ConversationRepository } from '../../conversation/conversation.repository';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { TurnRefused } from '../../conversation/turn-refused';
import { TurnService } from '../../conversation/turn.service';
import { OutboxDispatcher } from '../../outbox/outbox-dispatcher';
import type { OutboxEntry } from '../../outbox/outbox-entry';
import { OutboxRepository } from '../../outbox/outbox.repository';
import { InboxEventRejected, type InboxEvent, type InboxHandler } from '../../inbox/inbox-event';
import { InboxHandlers } from '../../inbox/inbox-handlers';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import type { SmsIntegrationConfig } from '../../integrations/types/sms.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { OptOutsRepository, type OptOutSource } from '../../opt-outs/opt-outs.repository';
import type { SmsWebhookEvent } from './providers/sms-provider';
import { SMS_CHANNEL, SMS_INBOX, type SmsMessagePayload } from './sms-channel.service';
import type { SmsSendPayload } from './sms-send.outbox-handler';
import {
  keywordOf,
  OPTED_IN_REPLY,
  OPTED_OUT_REPLY,
  readSmsInput,
  smsState,
  smsText,
} from './sms-text';

/** One SMS to one number, in order after every earlier one to it. */
export function smsSend(
  integrationId: string,
  payload: Omit<SmsSendPayload, 'integrationId'>,
): OutboxEntry {
  return {
    id: newId(),
    kind: 'sms.send',
    orderingKey: `sms:${integrationId}:${payload.to}`,
    payload: { integrationId, ...payload },
  };
}

/**
 * `sms.message`: STOP and its synonyms (and the integration's own words) put the number on
 * the opt-out list with one confirmation, START takes it off; anything else is a turn of the
 * number's session, whose replies are sent as one SMS through the outbox.
 */
@Injectable()
export class SmsMessageInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = SMS_INBOX.message;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const p = event.payload as SmsMessagePayload;
    const row = await this.integrations.findChannel(event.integrationId, SMS_CHANNEL);
    if (!row) throw new InboxEventRejected('The SMS integration was deleted.');
    const config = row.config as SmsIntegrationConfig;
    const keyword = keywordOf(p.text, config.opt_out_keywords);
    if (keyword) return this.optInOrOut(event, p, keyword);
    const turn: InboundTurn = {
      chatbotId: event.chatbotId,
      channel: SMS_CHANNEL,
      session: { kind: 'key', userId: p.userId },
      message: { type: 'text', text: p.text },
      inboxEventId: event.id,
      channelState: {
        read: (stored) => readSmsInput(p.text, stored),
        write: (messages) => smsState(messages),
      },
      sends: (replies, messageIds) => {
        const text = smsText(replies);
        if (text === '') return [];
        return [
          smsSend(event.integrationId, {
            to: p.userId,
            text,
            messageIds: [...messageIds],
            ...(p.linkId ? { linkId: p.linkId, keyword: p.keyword } : {}),
          }),
        ];
      },
    };
    try {
      await this.turns.handle(turn);
    } catch (err) {
      if (err instanceof TurnRefused && err.reason !== 'busy')
        throw new InboxEventRejected(err.detail);
      throw err;
    }
  }

  private async optInOrOut(
    event: InboxEvent,
    p: SmsMessagePayload,
    keyword: 'opt_out' | 'opt_in',
  ): Promise<void> {
    const changed =
      keyword === 'opt_out'
        ? (await this.optOuts.add(event.chatbotId, SMS_CHANNEL, p.userId, 'keyword')).added
        : await this.optOuts.removeUser(event.chatbotId, SMS_CHANNEL, p.userId);
    if (!changed) return;
    this.metrics.optOuts.inc({ channel: SMS_CHANNEL, change: keyword, source: 'keyword' });
    // The one message an opted-out number still gets: the confirmation.
    await this.outbox.enqueue(
      [
        smsSend(event.integrationId, {
          to: p.userId,
          text: keyword === 'opt_out' ? OPTED_OUT_REPLY : OPTED_IN_REPLY,
          messageIds: [],
          confirmation: true,
        }),
      ],
      { chatbotId: event.chatbotId, conversationId: null },
    );
    this.dispatcher.kick();
  }
}

/** `sms.status`: a delivery report or status callback updates the messages it names. */
@Injectable()
export class SmsStatusInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = SMS_INBOX.status;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const report = event.payload as Extract<SmsWebhookEvent, { kind: 'status' }>;
    const updated = await this.conversations.applyDeliveryReport(
      event.chatbotId,
      SMS_CHANNEL,
      report.providerMessageId,
      report.status,
      report.error ?? null,
    );
    // An id we never sent (or another chatbot's) is ignored, and counted.
    this.metrics.deliveryReports.inc({
      channel: SMS_CHANNEL,
      outcome: updated ? 'applied' : 'unknown_id',
    });
  }
}

/** `sms.opt_out`: a provider's opt-out callback (Africa's Talking bulk opt-outs). */
@Injectable()
export class SmsOptOutInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = SMS_INBOX.optOut;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<void> {
    const { userId } = event.payload as { userId: string };
    const source: OptOutSource = 'provider';
    const { added } = await this.optOuts.add(event.chatbotId, SMS_CHANNEL, userId, source);
    if (added) this.metrics.optOuts.inc({ channel: SMS_CHANNEL, change: 'opt_out', source });
  }
}
