import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { notFound } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { newId } from '../../common/new-id';
import { ConversationRepository } from '../../conversation/conversation.repository';
import { TurnRefused } from '../../conversation/turn-refused';
import { TurnService } from '../../conversation/turn.service';
import { CLAIM_MS } from '../../inbox/inbox-processor';
import { InboxService } from '../../inbox/inbox.service';
import { toGenericMessage } from '../api/chat.service';
import { ChannelIntegrations } from '../channel-integrations';
import { restApiTurn } from './rest-api-inbox.handler';
import type { RestApiMessageDto } from './rest-api-message.dto';
import {
  REST_API_CHANNEL,
  REST_API_INBOX,
  restApiSessionKey,
  type RestApiMessagePayload,
} from './rest-api-session';

/** The answer (202): the replies are not in it; they are POSTed to the webhook_url. */
export interface RestApiAccepted {
  /** The client's `message_id`, or one made by the server. */
  message_id: string;
  /**
   * `processed`: the turn ran, its replies are on their way; `queued`: kept, and processed
   * later in order (an earlier message of this user is still being processed, or the user's
   * session stayed busy for as long as a request waits); `duplicate`: this `message_id` was
   * taken before, nothing was done again.
   */
  status: 'processed' | 'queued' | 'duplicate';
  /** The user's conversation; null while not known (queued, or a duplicate of one queued). */
  conversation_id: string | null;
}

/**
 * The inbound side of the rest-api channel. A message is stored once in the inbox (keyed on
 * the client's `message_id`), claimed for this request, and its turn runs now, by the user's
 * session key with this integration, so the answer names the conversation and refusals come
 * back as errors. A session still busy when the request has waited its time (TURN_WAIT_MS)
 * does not fail the message: it is handed to the inbox, which runs it in order once the
 * session is free (`queued`), so a retry answered `duplicate` meanwhile was told the truth.
 * A request that fails otherwise before the turn is saved takes the message back (the same
 * `message_id` may be sent again); one that dies mid-turn leaves it to the inbox, which runs
 * it when the claim runs out.
 */
@Injectable()
export class RestApiChannelService {
  constructor(
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(InboxService) private readonly inbox: InboxService,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async receive(
    chatbotId: string,
    integrationId: string,
    dto: RestApiMessageDto,
  ): Promise<RestApiAccepted> {
    const row = await this.integrations.byId(REST_API_CHANNEL, integrationId);
    if (!row || row.chatbot_id !== chatbotId) throw notFound('Integration');
    const messageId = dto.message_id ?? newId();
    const key = restApiSessionKey(row.id, dto.user_id);
    const payload: RestApiMessagePayload = {
      userId: dto.user_id,
      message: toGenericMessage(dto),
      ...(dto.contact_name ? { contactName: dto.contact_name } : {}),
    };
    const owner = `inline:${newId()}`;
    const { duplicate, run } = await this.inbox.acceptInline(
      {
        integrationId: row.id,
        chatbotId,
        channel: REST_API_CHANNEL,
        kind: REST_API_INBOX,
        providerMessageId: messageId,
        sessionKey: key,
        payload,
      },
      CLAIM_MS,
      owner,
    );
    if (duplicate)
      return {
        message_id: messageId,
        status: 'duplicate',
        conversation_id: await this.conversations.findOpenByKey(chatbotId, REST_API_CHANNEL, key),
      };
    const queued: RestApiAccepted = {
      message_id: messageId,
      status: 'queued',
      conversation_id: null,
    };
    if (!run) return queued;
    try {
      const out = await this.turns.handle(restApiTurn(run));
      return { message_id: messageId, status: 'processed', conversation_id: out.conversationId };
    } catch (err) {
      if (err instanceof TurnRefused && err.reason === 'busy') {
        await this.defer(run.id, owner, err.detail);
        return queued;
      }
      await this.inbox.withdrawInline(run.id, owner);
      throw err;
    }
  }

  /**
   * The processor takes the message now. Should giving the claim back fail, the claim runs out
   * (CLAIM_MS) and the processor takes it then: queued either way.
   */
  private async defer(id: string, owner: string, reason: string): Promise<void> {
    await this.inbox.deferInline(id, owner, reason).catch((err: unknown) => {
      this.logger.warn(
        { err, inbox_event_id: id },
        'rest-api: could not hand a message to the inbox; it runs when its claim runs out',
      );
    });
  }
}
