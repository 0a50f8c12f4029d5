import { Injectable } from '@nestjs/common';
import type { OutboxHandler } from './outbox-handler';

/** The outbox's handlers by kind; each module registers its own when it starts. */
@Injectable()
export class OutboxHandlers {
  private readonly byKind = new Map<string, OutboxHandler>();

  register(handler: OutboxHandler): void {
    if (this.byKind.has(handler.kind))
      throw new Error(`An outbox handler for "${handler.kind}" is already registered`);
    this.byKind.set(handler.kind, handler);
  }

  get(kind: string): OutboxHandler | undefined {
    return this.byKind.get(kind);
  }
}
