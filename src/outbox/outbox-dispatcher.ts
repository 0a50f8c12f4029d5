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
import { outboxBackoffMs } from './outbox-backoff';
import type { DeliveryResult, OutboxDelivery } from './outbox-handler';
import { OutboxHandlers } from './outbox-handlers';
import { OutboxRepository } from './outbox.repository';

/** A claim outlives the slowest delivery (an API call's deadline) with room to spare. */
const CLAIM_MS = 120_000;

/**
 * Delivers the outbox (see docs/outbox.md). Deliveries run side by side up to
 * OUTBOX_CONCURRENCY, at most OUTBOX_PER_CHATBOT per chatbot, so a slow backend holds up its
 * own chatbot's deliveries only. Woken right after a turn commits; a sweeper looks for due
 * retries and expired claims every OUTBOX_POLL_MS.
 */
@Injectable()
export class OutboxDispatcher
  extends ClaimWorker<OutboxDelivery>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly owner = `outbox:${newId()}`;

  constructor(
    @Inject(OutboxRepository) private readonly rows: OutboxRepository,
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(DatabaseReady) ready: DatabaseReady,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(ready, logger, {
      name: 'Outbox',
      pollMs: config.outboxPollMs,
      concurrency: config.outboxConcurrency,
      shutdownMs: config.outboxShutdownMs,
    });
  }

  onApplicationBootstrap(): void {
    this.begin();
  }

  /** Unfinished deliveries are given back; the row id stays their request id (docs/outbox.md). */
  beforeApplicationShutdown(): Promise<void> {
    return this.end();
  }

  protected async claim(free: number): Promise<OutboxDelivery[]> {
    const perChatbot = new Map<string, number>();
    for (const { item } of this.inFlight.values())
      perChatbot.set(item.chatbotId, (perChatbot.get(item.chatbotId) ?? 0) + 1);
    const cap = this.config.outboxPerChatbot;
    const full = [...perChatbot].filter(([, n]) => n >= cap).map(([id]) => id);
    const claimed = await this.rows.claim(this.owner, free, CLAIM_MS, full);
    const take: OutboxDelivery[] = [];
    const overCap: string[] = [];
    for (const row of claimed) {
      const n = perChatbot.get(row.chatbotId) ?? 0;
      if (n >= cap) {
        overCap.push(row.id);
        continue;
      }
      perChatbot.set(row.chatbotId, n + 1);
      take.push(row);
    }
    // Claimed in one batch beyond the chatbot's cap: back to the queue, not counted.
    await this.rows.release(overCap, this.owner);
    return take;
  }

  protected release(ids: string[]): Promise<void> {
    return this.rows.release(ids, this.owner);
  }

  protected async process(row: OutboxDelivery): Promise<void> {
    const handler = this.handlers.get(row.kind);
    let result: DeliveryResult;
    if (!handler) {
      result = { ok: false, retryable: false, error: `No handler for outbox kind "${row.kind}"` };
    } else {
      try {
        result = await handler.deliver(row);
      } catch (err) {
        result = {
          ok: false,
          retryable: true,
          error: err instanceof Error ? err.message : String(err),
        };
      }
    }
    if (!this.stillOwned(row.id)) return;
    const log = { outbox_id: row.id, kind: row.kind, attempt: row.attempt };
    if (result.ok) {
      await this.rows.finish(row.id, this.owner, { status: 'done' });
      this.logger.info({ ...log, detail: result.detail }, 'Outbox: delivered');
      return;
    }
    const maxAttempts = handler?.maxAttempts ?? this.config.outboxMaxAttempts;
    const retry = result.retryable && row.attempt < maxAttempts;
    await this.rows.finish(
      row.id,
      this.owner,
      retry
        ? {
            status: 'pending',
            error: result.error,
            retryInMs: outboxBackoffMs(row.attempt, Math.random, result.retryAfterMs),
          }
        : { status: 'failed', error: result.error },
    );
    this.logger.warn({ ...log, error: result.error, will_retry: retry }, 'Outbox: delivery failed');
  }
}
