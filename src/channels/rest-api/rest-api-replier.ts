import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  ChannelReplies,
  type ChannelAddress,
  type ChannelReplier,
  type ChannelReply,
  type ReplyTarget,
} from '../../conversation/channel-replies';
import { ChannelIntegrations } from '../channel-integrations';
import { restApiReply } from './rest-api-payload';
import { readRestApiSessionKey, REST_API_CHANNEL, restApiSessionKey } from './rest-api-session';

/**
 * Messages outside a user's turn on the rest-api channel (a person's reply, a release at a
 * state, an outbound message): POSTed to the webhook_url of the integration the session
 * belongs to (its key names it), on the user's ordering key, so after any bot replies still
 * queued. Refused before anything is stored when that integration is gone.
 */
@Injectable()
export class RestApiReplier implements ChannelReplier, OnModuleInit {
  readonly channel = REST_API_CHANNEL;

  constructor(
    @Inject(ChannelReplies) private readonly replies: ChannelReplies,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
  ) {}

  onModuleInit(): void {
    this.replies.register(this);
  }

  /** A business writing first: the user's session with that integration. */
  address(integrationId: string, to: string): ChannelAddress {
    return { userId: to, sessionKey: restApiSessionKey(integrationId, to) };
  }

  async reply(target: ReplyTarget): Promise<ChannelReply> {
    const route = readRestApiSessionKey(target.sessionKey);
    if (!route)
      return { refused: 'This rest-api conversation names no integration to answer through.' };
    const row = await this.integrations.byId(REST_API_CHANNEL, route.integrationId);
    if (!row || row.chatbot_id !== target.chatbotId)
      return {
        refused: 'The rest-api integration of this conversation was deleted; nothing was sent.',
      };
    return {
      sends: (messages, messageIds) =>
        restApiReply(row.id, route.userId, messages, messageIds, new Date()),
    };
  }
}
