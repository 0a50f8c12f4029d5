import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { newId } from '../common/new-id';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClaimWorker } from '../database/claim-worker';
import { DatabaseReady } from '../database/database-ready';
import { outboxBackoffMs } from '../outbox/outbox-backoff';
import { InboxEventRejected, type InboxEvent } from './inbox-event';
import { InboxHandlers } from './inbox-handlers';
import { InboxRepository } from './inbox.repository';
import { TurnService } from '../conversation/turn.service';

/** A claim outlives the longest turn (its API calls' deadline) with room to spare. */
/** How long a claimed event is this instance's before another may take it. */
export const CLAIM_MS = 120_000;
/** Tries of one event before it is failed and the next event of its key goes ahead. */
export const INBOX_MAX_ATTEMPTS = 5;

/**
 * Turns stored provider events into turns and updates, after the webhook has answered (see
 * docs/inbox.md): one event per session key at a time, in arrival order, exactly once across
 * instances (a message's turn marks its event done in the same statement), picked up again
 * after a crash when its claim runs out.
 */
@Injectable()
export class InboxProcessor
  extends ClaimWorker<InboxEvent>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  /** This instance's name on the events it claims. */
  readonly owner = `inbox:${newId()}`;

  constructor(
    @Inject(InboxRepository) private readonly events: InboxRepository,
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(DatabaseReady) ready: DatabaseReady,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(ready, logger, {
      name: 'Inbox',
      pollMs: config.outboxPollMs,
      concurrency: config.inboxConcurrency,
      shutdownMs: config.outboxShutdownMs,
    });
  }

  onApplicationBootstrap(): void {
    this.begin();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.end();
  }

  protected claim(free: number): Promise<InboxEvent[]> {
    return this.events.claim(this.owner, free, CLAIM_MS);
  }

  protected release(ids: string[]): Promise<void> {
    return this.events.release(ids, this.owner);
  }

  protected async process(event: InboxEvent): Promise<void> {
    const log = { inbox_event_id: event.id, kind: event.kind, attempt: event.attempt };
    const handler = this.handlers.get(event.kind);
    let outcome: 'committed' | void;
    try {
      if (!handler) throw new InboxEventRejected(`No handler for inbox event kind "${event.kind}"`);
      outcome = await handler.handle(event);
    } catch (err) {
      await this.dropEarlyLease(event);
      if (!this.stillOwned(event.id)) return;
      const error = err instanceof Error ? err.message : String(err);
      const retry = !(err instanceof InboxEventRejected) && event.attempt < INBOX_MAX_ATTEMPTS;
      await this.events.finish(
        event.id,
        this.owner,
        retry
          ? { status: 'pending', error, retryInMs: outboxBackoffMs(event.attempt) }
          : { status: 'failed', error },
      );
      this.logger.warn({ ...log, error, will_retry: retry }, 'Inbox: event failed');
      return;
    }
    await this.dropEarlyLease(event);
    // A message's turn already marked it done in its commit.
    if (outcome !== 'committed' && this.stillOwned(event.id))
      await this.events.finish(event.id, this.owner, { status: 'done' });
  }

  /**
   * Gives back the lease taken ahead for the event's turn when no turn took it over (an
   * opt-out keyword, an error), before the event is marked done, so the next one finds it free.
   */
  private async dropEarlyLease(event: InboxEvent): Promise<void> {
    if (!event.earlyLease) return;
    await this.turns.dropEarlyLease(event.earlyLease).catch((err: unknown) => {
      this.logger.warn({ err, inbox_event_id: event.id }, 'Inbox: could not give back a lease');
    });
  }
}
