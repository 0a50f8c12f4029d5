import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { GenericMessage } from '../../engine';
import { ConversationQueries } from '../../conversation/conversation-queries';
import { TurnService } from '../../conversation/turn.service';
import type { CreateSessionDto, SendMessageDto } from './chat.dto';

export const API_CHANNEL = 'api';

/** The API channel (seed 003): sessions created explicitly, replies returned synchronously. */
@Injectable()
export class ChatService {
  constructor(
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
  ) {}

  async createSession(workspaceId: string, chatbotId: string, dto: CreateSessionDto) {
    const out = await this.turns.start({
      chatbotId,
      channel: API_CHANNEL,
      userId: dto.user_id ?? null,
      contactName: dto.contact_name ?? null,
      locale: dto.locale,
    });
    return {
      session_id: out.conversationId,
      channel: API_CHANNEL,
      created_at: out.createdAt.toISOString(),
      messages: out.messages,
      messages_count: out.messages.length,
      current_state: out.currentState,
      status: out.status,
    };
  }

  async sendMessage(
    workspaceId: string,
    chatbotId: string,
    sessionId: string,
    dto: SendMessageDto,
  ) {
    const out = await this.turns.message({
      conversationId: sessionId,
      chatbotId,
      channel: API_CHANNEL,
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

  async getSession(workspaceId: string, chatbotId: string, sessionId: string) {
    const s = await this.conversations.session(chatbotId, API_CHANNEL, sessionId);
    if (!s) throw new DomainError(ErrorCode.NotFound, 'Chat session not found');
    return s;
  }

  async closeSession(workspaceId: string, chatbotId: string, sessionId: string): Promise<void> {
    if (!(await this.conversations.close(chatbotId, API_CHANNEL, sessionId))) {
      throw new DomainError(ErrorCode.NotFound, 'Chat session not found');
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
