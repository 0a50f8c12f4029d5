import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { newId } from '../common/new-id';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { GenericMessage } from '../engine';
import { eventConversation, eventEntry } from '../events/conversation-event';
import { OutboxDispatcher } from '../outbox/outbox-dispatcher';
import type { OutboxEntry } from '../outbox/outbox-entry';
import { ChannelReplies, replyTarget } from './channel-replies';
import { ConversationQueries } from './conversation-queries';
import { availability } from './conversation-status';
import { AgentRef, ConversationRepository, LeasedConversation } from './conversation.repository';
import { previewText } from './message-preview';
import { MessageSignals } from './message-signals';
import { SessionLease } from './session-lease';
import { TurnRefusal, TurnRefused } from './turn-refused';
import { TurnService } from './turn.service';

const ENDED = 'The conversation has ended.';
/** A turn's refusals that mean the conversation has ended. */
const ENDED_REFUSALS = new Set<TurnRefusal>(['session_closed', 'session_expired', 'flow_gone']);

/** People in the loop: a person's replies, and giving a conversation back to the bot. */
@Injectable()
export class HandoffService {
  constructor(
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
    @Inject(SessionLease) private readonly lease: SessionLease,
    @Inject(MessageSignals) private readonly signals: MessageSignals,
    @Inject(ChannelReplies) private readonly channels: ChannelReplies,
    @Inject(OutboxDispatcher) private readonly outbox: OutboxDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Gives a conversation with people back to the bot: where it was, or at `state` (its
   * messages sent as a person's reply would be, so a closed WhatsApp window is a 409).
   */
  async release(chatbotId: string, id: string, state?: string) {
    let released: boolean;
    try {
      if (state !== undefined) {
        const { channel } = await this.conversations.get(chatbotId, id);
        await this.turns.handle({
          chatbotId,
          channel,
          session: { kind: 'id', conversationId: id },
          message: null,
          goto: { state },
          onlyIf: 'handed_off',
        });
        released = true;
      } else released = await this.turns.releaseHandoff(chatbotId, id);
    } catch (err) {
      if (!(err instanceof TurnRefused)) throw err;
      if (err.reason === 'session_not_found')
        throw new DomainError(ErrorCode.NotFound, 'Conversation not found');
      // Ended (its flow gone closes it): the 409 of a release without a state, not the Chat API's 410.
      if (!ENDED_REFUSALS.has(err.reason)) throw err;
      released = false;
    }
    const current = await this.conversations.get(chatbotId, id);
    if (!released)
      throw new DomainError(
        ErrorCode.Conflict,
        `The conversation is ${current.status}, not waiting for a human.`,
      );
    return current;
  }

  /**
   * Hands the conversation to people from outside the flow (the HANDOFF action's twin): the
   * bot keeps quiet until a release. Already handed off: unchanged. Ended: 409.
   */
  async handOff(chatbotId: string, id: string, reason: string | null) {
    const { row, owner } = await this.leased(chatbotId, id);
    const open = availability(row) === 'open';
    if (!open || row.status !== 'ACTIVE') {
      await this.repository.release(row.id, owner);
      this.lease.released(row.id);
      if (!open) throw new DomainError(ErrorCode.Conflict, ENDED);
      return this.conversations.get(chatbotId, id);
    }
    const event = eventEntry(
      newId(),
      'handoff.requested',
      eventConversation(row),
      { state: currentState(row), source: 'api', reason },
      new Date(),
    );
    const handed = await this.repository.handOff(row.id, owner, newId(), reason, [event]);
    this.lease.released(row.id);
    if (!handed) throw new TurnRefused('busy');
    this.outbox.afterCommit([event], [], { chatbotId, conversationId: row.id });
    return this.conversations.get(chatbotId, id);
  }

  /**
   * Stores a person's message on the conversation, after the messages before it (under the
   * session's lease, so never in the middle of a turn), and wakes the widget's stream.
   */
  async reply(chatbotId: string, id: string, message: GenericMessage, agent: AgentRef | null) {
    const { row, owner } = await this.leased(chatbotId, id);
    const messageId = newId();
    let outbox: OutboxEntry[];
    try {
      outbox = await this.deliveries(row, message, messageId);
    } catch (err) {
      await this.repository.release(row.id, owner);
      this.lease.released(row.id);
      throw err;
    }
    const sent = eventEntry(
      newId(),
      'message.sent',
      eventConversation(row),
      { message_id: messageId, message, responder: 'HUMAN', ...(agent ? { agent } : {}) },
      new Date(),
    );
    outbox = [...outbox, sent];
    const stored = await this.repository.appendAgentMessage(row.id, owner, {
      id: messageId,
      message,
      agent,
      preview: previewText(message),
      outbox,
    });
    this.lease.released(row.id);
    if (!stored) throw new TurnRefused('busy');
    this.outbox.afterCommit(outbox, [], { chatbotId, conversationId: row.id });
    this.signals.notify(row.id);
    return {
      id: messageId,
      direction: 'outbound',
      message,
      responder: 'HUMAN',
      ...(agent ? { agent } : {}),
      created_at: stored.created_at.toISOString(),
    };
  }

  /** The outbox entries that carry a person's message on the conversation's channel; 409 when none can. */
  private async deliveries(
    row: LeasedConversation,
    message: GenericMessage,
    messageId: string,
  ): Promise<OutboxEntry[]> {
    if (availability(row) !== 'open')
      throw new DomainError(ErrorCode.Conflict, `${ENDED} A reply would reach nobody.`);
    if (message.type === 'template' && row.channel !== 'whatsapp')
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        {
          path: 'message.type',
          message: `Templates are WhatsApp's; this conversation is on the ${row.channel} channel.`,
        },
      ]);
    const sends = await this.channels.sendsFor(
      row.channel,
      replyTarget(row, { onlyTemplates: message.type === 'template' }),
    );
    return sends ? sends([message], [messageId]) : [];
  }

  private async leased(chatbotId: string, id: string) {
    const got = await this.lease.acquire(id, chatbotId, null, Date.now() + this.config.turnWaitMs);
    if (got.kind === 'missing') throw new DomainError(ErrorCode.NotFound, 'Conversation not found');
    if (got.kind === 'timeout') throw new TurnRefused('busy');
    return got;
  }
}

const currentState = (row: LeasedConversation) =>
  'state' in row.session ? row.session.state : null;
