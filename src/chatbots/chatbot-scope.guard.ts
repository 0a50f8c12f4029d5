import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AuthedRequest } from '../workspaces/api-key.guard';
import { ChatbotsService } from './chatbots.service';

/**
 * For every route under `/chatbots/:chatbotId`, after the API-key guard: the chatbot must
 * belong to the caller's workspace, else 404 exactly like a missing one. Services behind it
 * take the chatbot id as the caller's.
 */
@Injectable()
export class ChatbotScopeGuard implements CanActivate {
  constructor(@Inject(ChatbotsService) private readonly chatbots: ChatbotsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const chatbotId = (req.params as Record<string, unknown>).chatbotId;
    if (typeof chatbotId !== 'string') return true;
    await this.chatbots.requireOwned(req.principal.workspaceId, chatbotId);
    return true;
  }
}
