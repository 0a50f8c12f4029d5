import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { InboxEventRejected, type InboxEvent, type InboxHandler } from '../../inbox/inbox-event';
import { InboxHandlers } from '../../inbox/inbox-handlers';
import { inboxTurn } from '../../inbox/message.inbox-handler';
import { TurnService } from '../../conversation/turn.service';
import { ChannelIntegrations } from '../channel-integrations';
import { restApiReply } from './rest-api-payload';
import {
  REST_API_CHANNEL,
  REST_API_INBOX,
  restApiSessionKey,
  type RestApiMessagePayload,
} from './rest-api-session';

/** A user's message as a turn of their session with this integration; replies to the webhook. */
export function restApiTurn(event: InboxEvent): InboundTurn {
  const p = event.payload as RestApiMessagePayload;
  return {
    chatbotId: event.chatbotId,
    channel: REST_API_CHANNEL,
    session: {
      kind: 'key',
      userId: p.userId,
      sessionKey: restApiSessionKey(event.integrationId, p.userId),
    },
    message: p.message,
    contactName: p.contactName ?? null,
    inboxEventId: event.id,
    sends: (replies, messageIds) =>
      restApiReply(event.integrationId, p.userId, replies, messageIds, new Date()),
  };
}

/**
 * `rest_api.message`, when the inbox processes it rather than the request that posted it (a
 * message waiting behind an earlier one of its user, or one whose request died mid-turn).
 */
@Injectable()
export class RestApiMessageInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = REST_API_INBOX;

  constructor(
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<'committed'> {
    if (!(await this.integrations.byId(REST_API_CHANNEL, event.integrationId)))
      throw new InboxEventRejected('The rest-api integration was deleted.');
    // A turn marks its event done in its commit (this channel has no answers aside).
    await inboxTurn(this.turns, restApiTurn(event));
    return 'committed';
  }
}
