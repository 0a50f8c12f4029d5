import { Injectable } from '@nestjs/common';
import type { InboxHandler } from './inbox-event';

/** The inbox's handlers by event kind; channels register theirs when they start. */
@Injectable()
export class InboxHandlers {
  private readonly byKind = new Map<string, InboxHandler>();

  register(handler: InboxHandler): void {
    if (this.byKind.has(handler.kind))
      throw new Error(`An inbox handler for "${handler.kind}" is already registered`);
    this.byKind.set(handler.kind, handler);
  }

  get(kind: string): InboxHandler | undefined {
    return this.byKind.get(kind);
  }
}
