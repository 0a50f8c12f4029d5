import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { newId } from '../../common/new-id';
import { ConversationRepository } from '../../conversation/conversation.repository';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { TurnService } from '../../conversation/turn.service';
import { inboxTurn } from '../../inbox/message.inbox-handler';
import type { GenericMessage } from '../../engine';
import { OutboxDispatcher } from '../../outbox/outbox-dispatcher';
import type { OutboxEntry } from '../../outbox/outbox-entry';
import { OutboxRepository } from '../../outbox/outbox.repository';
import { InboxEventRejected, type InboxEvent, type InboxHandler } from '../../inbox/inbox-event';
import { InboxHandlers } from '../../inbox/inbox-handlers';
import { ChannelIntegrations } from '../channel-integrations';
import type { SmsIntegrationConfig } from '../../integrations/types/sms.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { OptOutsRepository, type OptOutSource } from '../../opt-outs/opt-outs.repository';
import type { SmsWebhookEvent } from './providers/sms-provider';
import { SMS_CHANNEL, SMS_INBOX, type SmsMessagePayload } from './sms-events';
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
    toUser: !payload.confirmation,
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
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(OutboxDispatcher) private readonly dispatcher: OutboxDispatcher,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<'committed' | undefined> {
    return (await this.run(event, false)).committed ? 'committed' : undefined;
  }

  /**
   * Processes the event. `inline` (Twilio, answered with TwiML in the webhook's response):
   * the reply texts are returned instead of being sent through the outbox.
   */
  async run(
    event: InboxEvent,
    inline: boolean,
  ): Promise<{ committed: boolean; replies: string[] }> {
    const p = event.payload as SmsMessagePayload;
    const row = await this.integrations.byId(SMS_CHANNEL, event.integrationId);
    if (!row) throw new InboxEventRejected('The SMS integration was deleted.');
    const config = row.config as SmsIntegrationConfig;
    const keyword = keywordOf(p.text, config.opt_out_keywords);
    if (keyword) {
      const confirmation = await this.optInOrOut(event, p, keyword, inline);
      return { committed: false, replies: confirmation ? [confirmation] : [] };
    }
    const turn: InboundTurn = {
      chatbotId: event.chatbotId,
      channel: SMS_CHANNEL,
      session: { kind: 'key', userId: p.userId },
      message: { type: 'text', text: p.text },
      inboxEventId: event.id,
      earlyLease: event.earlyLease,
      channelState: {
        read: (stored) => readSmsInput(p.text, stored),
        write: (messages, _open, waitedAgain) =>
          smsState(messages, event.integrationId, waitedAgain),
      },
      ...(inline
        ? {}
        : {
            sends: (replies: readonly GenericMessage[], messageIds: readonly string[]) => {
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
          }),
    };
    const outcome = await inboxTurn(this.turns, turn);
    // A turn marks its event done in its commit; an answer aside from the flow does not.
    const committed = !outcome.aside;
    if (!inline) return { committed, replies: [] };
    const text = smsText(outcome.messages);
    const blocked = await this.optOuts.isOptedOut(event.chatbotId, SMS_CHANNEL, p.userId);
    return { committed, replies: text === '' || blocked ? [] : [text] };
  }

  /** Changes the list; the confirmation is returned (inline) or sent, when the list changed. */
  private async optInOrOut(
    event: InboxEvent,
    p: SmsMessagePayload,
    keyword: 'opt_out' | 'opt_in',
    inline: boolean,
  ): Promise<string | null> {
    const changed =
      keyword === 'opt_out'
        ? (await this.optOuts.add(event.chatbotId, SMS_CHANNEL, p.userId, 'keyword')).added
        : await this.optOuts.removeUser(event.chatbotId, SMS_CHANNEL, p.userId);
    if (!changed) return null;
    this.metrics.optOuts.inc({ channel: SMS_CHANNEL, change: keyword, source: 'keyword' });
    const confirmation = keyword === 'opt_out' ? OPTED_OUT_REPLY : OPTED_IN_REPLY;
    if (inline) return confirmation;
    // The one message an opted-out number still gets: the confirmation.
    await this.outbox.enqueue(
      [
        smsSend(event.integrationId, {
          to: p.userId,
          text: confirmation,
          messageIds: [],
          confirmation: true,
        }),
      ],
      { chatbotId: event.chatbotId, conversationId: null },
    );
    this.dispatcher.kick();
    return confirmation;
  }
}

/**
 * `sms.status`: a delivery report or status callback updates the messages it names, among
 * those sent through the integration that received it (provider ids are an account's own).
 */
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
      null,
      event.integrationId,
    );
    // An id this integration never sent (or another chatbot's) is ignored, and counted.
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
