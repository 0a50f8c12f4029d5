import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ConversationQueries } from './conversation-queries';
import { TurnRefused } from './turn-refused';
import { TurnService } from './turn.service';

/** People in the loop: giving a conversation that waits for a human back to the bot. */
@Injectable()
export class HandoffService {
  constructor(
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
  ) {}

  async release(chatbotId: string, id: string) {
    let released: boolean;
    try {
      released = await this.turns.releaseHandoff(chatbotId, id);
    } catch (err) {
      if (err instanceof TurnRefused && err.reason === 'session_not_found')
        throw new DomainError(ErrorCode.NotFound, 'Conversation not found');
      throw err;
    }
    const current = await this.conversations.get(chatbotId, id);
    if (!released)
      throw new DomainError(
        ErrorCode.Conflict,
        `The conversation is ${current.status}, not waiting for a human.`,
      );
    return current;
  }
}
