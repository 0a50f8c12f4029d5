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
import { SMS_CHANNEL } from './sms-events';
import { smsSend } from './sms-inbox.handlers';
import { smsReplyIntegration, smsState, smsText } from './sms-text';

/**
 * A person's reply by SMS: one text through the integration the user last wrote through, on
 * the number's ordering key (after any bot replies still queued). Refused before anything is
 * stored when the number opted out or that integration is unknown or gone. The send handler
 * looks at the opt-out list again when it sends (a STOP may come in between).
 */
@Injectable()
export class SmsReplier implements ChannelReplier, OnModuleInit {
  readonly channel = SMS_CHANNEL;

  constructor(
    @Inject(ChannelReplies) private readonly replies: ChannelReplies,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(OptOutsRepository) private readonly optOuts: OptOutsRepository,
  ) {}

  onModuleInit(): void {
    this.replies.register(this);
  }

  /** A business writing first: the number's session (sent through the integration named). */
  address(integrationId: string, to: string): ChannelAddress {
    return {
      userId: to,
      // Its menu answerable by number, and people's replies sent through this integration.
      stateAfter: (messages, _open, waitedAgain) => smsState(messages, integrationId, waitedAgain),
    };
  }

  async reply(target: ReplyTarget): Promise<ChannelReply> {
    const integrationId = target.integrationId ?? smsReplyIntegration(target.channelState);
    if (!integrationId)
      return {
        refused:
          'No SMS integration is known for this conversation (it began before replies were kept); nothing was sent.',
      };
    const row = await this.integrations.byId(SMS_CHANNEL, integrationId);
    if (!row || row.chatbot_id !== target.chatbotId)
      return {
        refused:
          'The SMS integration this number last wrote through was deleted; nothing was sent.',
      };
    if (await this.optOuts.isOptedOut(target.chatbotId, SMS_CHANNEL, target.userId))
      return { refused: 'This number has opted out of SMS (STOP); nothing was sent.' };
    return {
      sends: (messages, messageIds) => {
        const text = smsText(messages);
        if (text === '') return [];
        return [smsSend(row.id, { to: target.userId, text, messageIds: [...messageIds] })];
      },
    };
  }
}
