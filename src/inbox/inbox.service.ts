import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../common/new-id';
import type { InboxEvent, NewInboxEvent } from './inbox-event';
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

  /**
   * Stores the event (once per provider id) claimed for this request, which processes it
   * itself and answers with the outcome (Twilio's TwiML). The event as its handler sees it,
   * or null for a duplicate. Unfinished, it goes to the processor after `claimMs`.
   */
  async acceptInline(event: NewInboxEvent, claimMs: number): Promise<InboxEvent | null> {
    const owner = `inline:${newId()}`;
    const id = await this.events.storeClaimed(event, owner, claimMs);
    if (id === null) return null;
    return {
      id,
      integrationId: event.integrationId,
      chatbotId: event.chatbotId,
      channel: event.channel,
      kind: event.kind,
      sessionKey: event.sessionKey,
      payload: event.payload,
      attempt: 1,
    };
  }
}
