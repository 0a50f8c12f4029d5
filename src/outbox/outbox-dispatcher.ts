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
import { DatabaseReady } from '../database/database-ready';
import { outboxBackoffMs } from './outbox-backoff';
import type { DeliveryResult, OutboxDelivery } from './outbox-handler';
import { OutboxHandlers } from './outbox-handlers';
import { OutboxRepository } from './outbox.repository';

/** A claim outlives the slowest delivery (an API call's deadline) with room to spare. */
const CLAIM_MS = 120_000;

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and a time-limited
 * claim, so any number of instances share the work and a crashed instance's rows come back
 * when their claim runs out. Deliveries run side by side up to OUTBOX_CONCURRENCY, at most
 * OUTBOX_PER_CHATBOT per chatbot, and a slot is refilled as soon as it frees: a slow backend
 * holds up its own chatbot's deliveries only. Woken right after a turn commits; a sweeper
 * looks for due retries every OUTBOX_POLL_MS.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly owner = `outbox:${newId()}`;
  private readonly inFlight = new Map<string, { chatbotId: string; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(
    @Inject(OutboxRepository) private readonly rows: OutboxRepository,
    @Inject(OutboxHandlers) private readonly handlers: OutboxHandlers,
    @Inject(DatabaseReady) private readonly ready: DatabaseReady,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.ready.promise.then(() => {
      if (this.stopped) return;
      this.started = true;
      if (this.config.outboxPollMs > 0) {
        this.timer = setInterval(() => this.kick(), this.config.outboxPollMs);
        this.timer.unref();
      }
      this.kick();
    });
  }

  /**
   * Stops claiming, lets in-flight deliveries finish for up to OUTBOX_SHUTDOWN_MS, then gives
   * back the claims of those still running so another instance takes them at once (the row
   * id stays the request id, so a backend that did get the first try can tell). Runs before
   * the database closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.filling;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight.values()].map((d) => d.done)),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, this.config.outboxShutdownMs))),
    ]);
    clearTimeout(timeout);
    const unfinished = [...this.inFlight.keys()];
    if (unfinished.length === 0) return;
    await this.rows.release(unfinished, this.owner).catch((err: unknown) => {
      this.logger.error({ err }, 'Outbox: could not release claims on shutdown');
    });
    this.logger.warn({ released: unfinished.length }, 'Outbox: released unfinished deliveries');
  }

  /** Fill free delivery slots now (coalesced: one fill at a time, another right after if asked). */
  kick(): void {
    if (this.stopped || !this.started) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill()
      .catch((err: unknown) => this.logger.error({ err }, 'Outbox: claiming failed'))
      .finally(() => {
        this.filling = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when nothing is being claimed or delivered; for tests. */
  async idle(): Promise<void> {
    while (this.filling || this.inFlight.size > 0) {
      await this.filling;
      await Promise.all([...this.inFlight.values()].map((d) => d.done));
    }
  }

  private async fill(): Promise<void> {
    for (;;) {
      const free = this.config.outboxConcurrency - this.inFlight.size;
      if (this.stopped || free <= 0) return;
      const perChatbot = new Map<string, number>();
      for (const d of this.inFlight.values())
        perChatbot.set(d.chatbotId, (perChatbot.get(d.chatbotId) ?? 0) + 1);
      const full = [...perChatbot].filter(([, n]) => n >= this.config.outboxPerChatbot);
      const claimed = await this.rows.claim(
        this.owner,
        free,
        CLAIM_MS,
        full.map(([id]) => id),
      );
      if (claimed.length === 0) return;
      const overCap: string[] = [];
      for (const row of claimed) {
        const n = perChatbot.get(row.chatbotId) ?? 0;
        if (n >= this.config.outboxPerChatbot) {
          overCap.push(row.id);
          continue;
        }
        perChatbot.set(row.chatbotId, n + 1);
        this.start(row);
      }
      // Claimed in the same batch beyond the chatbot's cap: back to the queue, not counted.
      await this.rows.release(overCap, this.owner);
      if (overCap.length > 0) return;
    }
  }

  private start(row: OutboxDelivery): void {
    const done = this.deliver(row)
      .catch((err: unknown) =>
        this.logger.error({ err, outbox_id: row.id }, 'Outbox: delivery crashed'),
      )
      .finally(() => {
        this.inFlight.delete(row.id);
        this.kick();
      });
    this.inFlight.set(row.id, { chatbotId: row.chatbotId, done });
  }

  private async deliver(row: OutboxDelivery): Promise<void> {
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
    if (this.stopped && !this.inFlight.has(row.id)) return;
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
