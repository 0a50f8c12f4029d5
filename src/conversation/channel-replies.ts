import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { LeasedConversation } from './conversation.repository';
import type { ChannelSends, ChannelState } from './inbound-turn';

/**
 * Channels whose clients read such messages themselves: the widget from its event stream, a
 * Chat API client from the history.
 */
const READ_BY_CLIENT = new Set(['web', 'api']);

/** The conversation a message written outside a turn is for (a person's reply). */
export interface ReplyTarget {
  chatbotId: string;
  conversationId: string;
  userId: string;
  /** The channel's session key (WhatsApp's names its number), null for sessions by id. */
  sessionKey: string | null;
  /** What the channel keeps with the session (WhatsApp: the last inbound time). */
  channelState: unknown;
  /** The integration to send through when the caller names it (an outbound message). */
  integrationId?: string;
  /** Every message is a WhatsApp template: it may go outside the 24-hour window. */
  onlyTemplates?: boolean;
}

/** A user on a channel, as an outbound message finds (or opens) their session. */
export interface ChannelAddress {
  userId: string;
  /** The session key on the channel (WhatsApp's names the number); absent: the user id. */
  sessionKey?: string;
  /**
   * What the channel keeps with the session after the business's turn (SMS: the options of a
   * menu sent as text, and the integration replies go through); absent: nothing new.
   */
  stateAfter?: ChannelState['write'];
}

/** Whether and how a channel can carry such a message to the user now. */
export type ChannelReply = { refused: string } | { sends: ChannelSends };

/** A channel's part in people's replies: asked under the session's lease, before storing. */
export interface ChannelReplier {
  readonly channel: string;
  reply(target: ReplyTarget): Promise<ChannelReply>;
  /**
   * Whose session a business's message to `to` through this integration is for (outbound);
   * absent or refused for channels a business cannot write first on.
   */
  address?(integrationId: string, to: string): ChannelAddress | { refused: string };
}

/**
 * The channels that send people's replies through the outbox (WhatsApp, SMS) or refuse them
 * (USSD), registered by their own modules at start-up, so `conversation/` imports no channel.
 */
@Injectable()
export class ChannelReplies {
  private readonly byChannel = new Map<string, ChannelReplier>();

  register(replier: ChannelReplier): void {
    this.byChannel.set(replier.channel, replier);
  }

  /** The session an outbound message to `to` is for; 409 on channels that cannot take one. */
  addressFor(channel: string, integrationId: string, to: string): ChannelAddress {
    const found = this.byChannel.get(channel)?.address?.(integrationId, to) ?? {
      refused: `A business cannot write first on the ${channel} channel.`,
    };
    if ('refused' in found) throw new DomainError(ErrorCode.Conflict, found.refused);
    return found;
  }

  /**
   * How a message written outside a turn (a person's reply, the bot's after a release at a
   * state) reaches the user of `channel`: null when the client reads it itself; 409 when the
   * channel cannot carry it now (USSD; WhatsApp's closed window; an opted-out number).
   */
  async sendsFor(channel: string, target: ReplyTarget): Promise<ChannelSends | null> {
    if (READ_BY_CLIENT.has(channel)) return null;
    const replier = this.byChannel.get(channel);
    if (!replier)
      throw new DomainError(ErrorCode.Conflict, `Nothing can be sent on the ${channel} channel.`);
    const reply = await replier.reply(target);
    if ('refused' in reply) throw new DomainError(ErrorCode.Conflict, reply.refused);
    return reply.sends;
  }
}

/** Who and where a message written outside a turn goes. */
export const replyTarget = (
  row: LeasedConversation,
  opts: { integrationId?: string; onlyTemplates?: boolean } = {},
): ReplyTarget => ({
  chatbotId: row.chatbot_id,
  conversationId: row.id,
  userId: row.user_id,
  sessionKey: row.session_key,
  channelState: row.channel_state,
  ...opts,
});
