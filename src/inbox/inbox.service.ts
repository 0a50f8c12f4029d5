import { Inject, Injectable } from '@nestjs/common';
import type { NewInboxEvent } from './inbox-event';
import { InboxProcessor } from './inbox-processor';
import { InboxRepository } from './inbox.repository';

/** What webhooks call: store the event durably, answer, and process it afterwards. */
@Injectable()
export class InboxService {
  constructor(
    @Inject(InboxRepository) private readonly events: InboxRepository,
    @Inject(InboxProcessor) private readonly processor: InboxProcessor,
  ) {}

  /**
   * Stores the event (once per provider id: a redelivery is accepted and ignored) and wakes
   * the processor without waiting for it, so the webhook can answer 200 at once.
   * Resolves to false for a duplicate.
   */
  async accept(event: NewInboxEvent): Promise<boolean> {
    const stored = await this.events.store(event);
    if (stored) this.processor.kick();
    return stored;
  }
}
