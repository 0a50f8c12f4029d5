import { Injectable } from '@nestjs/common';
import type { ChannelSends } from './inbound-turn';

/** The conversation a message written outside a turn is for (a person's reply). */
export interface ReplyTarget {
  chatbotId: string;
  conversationId: string;
  userId: string;
  /** The channel's session key (WhatsApp's names its number), null for sessions by id. */
  sessionKey: string | null;
  /** What the channel keeps with the session (WhatsApp: the last inbound time). */
  channelState: unknown;
}

/** Whether and how a channel can carry such a message to the user now. */
export type ChannelReply = { refused: string } | { sends: ChannelSends };

/** A channel's part in people's replies: asked under the session's lease, before storing. */
export interface ChannelReplier {
  readonly channel: string;
  reply(target: ReplyTarget): Promise<ChannelReply>;
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

  for(channel: string): ChannelReplier | undefined {
    return this.byChannel.get(channel);
  }
}
