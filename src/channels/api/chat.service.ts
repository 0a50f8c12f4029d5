import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { GenericMessage } from '../../engine';
import { ConversationQueries } from '../../conversation/conversation-queries';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { TurnRefused, TurnRefusal } from '../../conversation/turn-refused';
import { TurnService } from '../../conversation/turn.service';
import type { CreateSessionDto, SendMessageDto } from './chat.dto';

export const API_CHANNEL = 'api';

/** The Chat API's own wording of refused turns (the texts of the Sarufi documents). */
const CHAT_WORDING: Partial<Record<TurnRefusal, string>> = {
  session_not_found: 'Chat session not found',
  session_closed: 'Chat session has been closed',
  session_expired: 'Chat session has expired',
  flow_gone: 'Chat session has been closed: its flow no longer exists',
};

/** How a session is opened: the Chat API's, a widget's (channel `web`) or a preview run. */
export interface SessionOptions {
  channel?: string;
  /** A preview run on this snapshot of a draft (FlowsService.previewSnapshot). */
  previewVersionId?: string;
}

/**
 * The API channel (seed 003): sessions created explicitly, replies returned synchronously.
 * The web widget's API answers the same way on channel `web`.
 */
@Injectable()
export class ChatService {
  constructor(
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
  ) {}

  async createSession(chatbotId: string, dto: CreateSessionDto, opts: SessionOptions = {}) {
    const channel = opts.channel ?? API_CHANNEL;
    const out = await this.turn({
      chatbotId,
      channel,
      session: {
        kind: 'new',
        userId: dto.user_id ?? null,
        previewVersionId: opts.previewVersionId,
      },
      message: null,
      contactName: dto.contact_name ?? null,
      locale: dto.locale,
    });
    return {
      session_id: out.conversationId,
      channel,
      created_at: out.createdAt.toISOString(),
      messages: out.messages,
      messages_count: out.messages.length,
      current_state: out.currentState,
      status: out.status,
    };
  }

  async sendMessage(
    chatbotId: string,
    sessionId: string,
    dto: SendMessageDto,
    channel = API_CHANNEL,
  ) {
    const out = await this.turn({
      chatbotId,
      channel,
      session: { kind: 'id', conversationId: sessionId },
      message: toGenericMessage(dto),
    });
    return {
      session_id: out.conversationId,
      messages: out.messages,
      messages_count: out.messages.length,
      current_state: out.currentState,
      status: out.status,
      timestamp: out.at.toISOString(),
    };
  }

  async getSession(chatbotId: string, sessionId: string) {
    const s = await this.conversations.session(chatbotId, API_CHANNEL, sessionId);
    if (!s) throw new DomainError(ErrorCode.NotFound, CHAT_WORDING.session_not_found!);
    return s;
  }

  async closeSession(chatbotId: string, sessionId: string): Promise<void> {
    await this.worded(() => this.turns.close(chatbotId, API_CHANNEL, sessionId));
  }

  private turn(turn: InboundTurn) {
    return this.worded(() => this.turns.handle(turn));
  }

  private async worded<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const text = err instanceof TurnRefused ? CHAT_WORDING[err.reason] : undefined;
      if (err instanceof TurnRefused && text) throw new DomainError(err.code, text);
      throw err;
    }
  }
}

/** A `button_id` makes the message a button press, whatever `message_type` says (seed 003). */
export function toGenericMessage(dto: SendMessageDto): GenericMessage {
  if (dto.button_id) return { type: 'button', text: dto.message, button_id: dto.button_id };
  if (dto.message_type === 'button')
    return { type: 'button', text: dto.message, button_id: dto.message };
  return { type: 'text', text: dto.message };
}
