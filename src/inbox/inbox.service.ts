import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../common/new-id';
import type { InboxEvent, NewInboxEvent } from './inbox-event';
import { CLAIM_MS, InboxProcessor } from './inbox-processor';
import { InboxRepository } from './inbox.repository';
import { MetricsService } from '../metrics/metrics.service';
import type { EarlyLease } from '../conversation/inbound-turn';
import { TurnService } from '../conversation/turn.service';

/** What webhooks call: store the event durably, answer, and process it afterwards. */
@Injectable()
export class InboxService {
  constructor(
    @Inject(InboxRepository) private readonly events: InboxRepository,
    @Inject(InboxProcessor) private readonly processor: InboxProcessor,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {
    metrics.inboxDepthReader = () => events.depth();
  }

  /**
   * Stores the event (once per provider id: a redelivery is accepted and ignored) and wakes
   * the processor without waiting for it, so the webhook can answer 200 at once.
   * Resolves to false for a duplicate.
   */
  async accept(event: NewInboxEvent): Promise<boolean> {
    this.metrics.inboxChannels.add(event.channel);
    const stored = await this.events.store(event);
    if (stored) this.processor.kick();
    return stored;
  }

  /**
   * Stores the event (once per provider id) and processes it on this instance at once,
   * without waiting for a claim (unless an earlier event of its key is still pending: then
   * in order, by the processor). When the processor's slots are all busy (a burst beyond
   * what this instance can run), the event is stored for a later claim instead, so the
   * webhooks storing events are never slowed by a pile of turns. False for a duplicate.
   * `turnKey`: the session key of the turn the event runs (channel and chatbot the event's),
   * whose first try at its lease is then made in the storing statement.
   */
  async acceptAndProcess(event: NewInboxEvent, turnKey?: string): Promise<boolean> {
    if (!this.processor.reserve()) return this.accept(event);
    this.metrics.inboxChannels.add(event.channel);
    try {
      const stored = await this.storeClaimed(event, turnKey);
      if (!stored) return false;
      // Started after this returns: the webhook answers before the turn takes the event loop.
      if (
        stored.claimed &&
        this.processor.adopt(claimedEvent(event, stored.id, stored.early), true)
      )
        return true;
      // Not ours to run now (shutting down): give the claim back for any instance to take.
      if (stored.early) await this.turns.dropEarlyLease(stored.early);
      if (stored.claimed) await this.events.release([stored.id], this.processor.owner);
      this.processor.kick();
      return true;
    } finally {
      this.processor.unreserve();
    }
  }

  private async storeClaimed(
    event: NewInboxEvent,
    turnKey: string | undefined,
  ): Promise<{ id: string; claimed: boolean; early?: EarlyLease } | null> {
    if (turnKey === undefined)
      return this.events.storeClaimed(event, this.processor.owner, CLAIM_MS);
    const { id, gate } = this.events.storeClaimedGate(event, this.processor.owner, CLAIM_MS);
    const { go, early } = await this.turns.leaseAhead(gate, {
      chatbotId: event.chatbotId,
      channel: event.channel,
      key: turnKey,
    });
    return go === null ? null : { id, claimed: go, early: early ?? undefined };
  }

  /**
   * Stores the event claimed for this request, which processes it itself and answers with the
   * outcome (Twilio's TwiML). `run` false: it was a duplicate, or an earlier event of its key
   * is pending and the processor takes it in order. If the request does not finish it, the
   * claim runs out after `claimMs` and the processor takes it.
   */
  async acceptInline(
    event: NewInboxEvent,
    claimMs: number,
    owner = `inline:${newId()}`,
  ): Promise<{ duplicate: boolean; run: InboxEvent | null; owner: string }> {
    this.metrics.inboxChannels.add(event.channel);
    const stored = await this.events.storeClaimed(event, owner, claimMs);
    if (!stored) return { duplicate: true, run: null, owner };
    if (!stored.claimed) {
      this.processor.kick();
      return { duplicate: false, run: null, owner };
    }
    return { duplicate: false, run: claimedEvent(event, stored.id), owner };
  }

  /**
   * Takes back an event that `owner` (acceptInline's) stored and whose request failed before
   * its turn was saved: removed as if never sent, so the sender may send it again with the same
   * id. An event already done (its turn committed) stays.
   */
  async withdrawInline(id: string, owner: string): Promise<void> {
    await this.events.withdraw(id, owner);
  }

  /**
   * Hands an event `owner` (acceptInline's) could not process in its request (the session
   * stayed busy) to the processor: kept, its claim given back and the attempt counted with
   * `reason`, due at once. The processor takes it before any later event of its key, like an
   * event that waited in line from the start.
   */
  async deferInline(id: string, owner: string, reason: string): Promise<void> {
    await this.events.finish(id, owner, { status: 'pending', error: reason, retryInMs: 0 });
    this.processor.kick();
  }

  /**
   * Marks done an event `owner` (acceptInline's) processed without a turn that marks it (an
   * opt-out keyword, an answer aside from the flow), and wakes the processor for the events of
   * its key that waited behind it.
   */
  async completeInline(id: string, owner: string): Promise<void> {
    await this.events.finish(id, owner, { status: 'done' });
    this.processor.kick();
  }
}

function claimedEvent(event: NewInboxEvent, id: string, earlyLease?: EarlyLease): InboxEvent {
  return {
    id,
    earlyLease,
    integrationId: event.integrationId,
    chatbotId: event.chatbotId,
    channel: event.channel,
    kind: event.kind,
    sessionKey: event.sessionKey,
    payload: event.payload,
    attempt: 1,
  };
}
