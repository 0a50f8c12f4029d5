import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  ChannelReplies,
  type ChannelAddress,
  type ChannelReplier,
  type ChannelReply,
  type ReplyTarget,
} from '../../conversation/channel-replies';
import { OptOutsRepository } from '../../opt-outs/opt-outs.repository';
import { ChannelIntegrations } from '../channel-integrations';
import {
  readWhatsAppSessionKey,
  WHATSAPP_CHANNEL,
  whatsappSends,
  whatsappSessionKey,
} from './whatsapp-session';
import { closedWindowDetail } from './whatsapp-window';

/**
 * A person's reply on WhatsApp: sent from the number the user wrote to (the session key names
 * it), on the user's ordering key, so it goes after any bot messages still queued. Refused
 * before anything is stored when the integration is gone, the user is on the opt-out list, or
 * the 24-hour window is closed.
 */
@Injectable()
export class WhatsAppReplier implements ChannelReplier, OnModuleInit {
  readonly channel = WHATSAPP_CHANNEL;

  constructor(
    @Inject(ChannelReplies) private readonly replies: ChannelReplies,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
  ) {}

  onModuleInit(): void {
    this.replies.register(this);
  }

  /** A business writing first: the user's session with that number. */
  address(integrationId: string, to: string): ChannelAddress {
    return { userId: to, sessionKey: whatsappSessionKey(integrationId, to) };
  }

  async reply(target: ReplyTarget): Promise<ChannelReply> {
    const route = readWhatsAppSessionKey(target.sessionKey);
    if (!route) return { refused: 'This WhatsApp conversation names no number to answer from.' };
    const row = await this.integrations.byId(WHATSAPP_CHANNEL, route.integrationId);
    if (!row || row.chatbot_id !== target.chatbotId)
      return {
        refused: 'The WhatsApp integration of this conversation was deleted; nothing was sent.',
      };
    // The list a turn's commit checks for bot replies too (numbers added through the API).
    if (await this.optOuts.isOptedOut(target.chatbotId, WHATSAPP_CHANNEL, route.to.userId))
      return { refused: 'This user is on the opt-out list for WhatsApp; nothing was sent.' };
    // A template is how a business reaches a user outside the window.
    const closed = target.onlyTemplates
      ? null
      : closedWindowDetail(target.channelState, Date.now());
    if (closed) return { refused: closed };
    return {
      sends: (messages, messageIds) => whatsappSends(row.id, route.to, messages, messageIds),
    };
  }
}
