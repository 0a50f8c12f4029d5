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
import { ClaimWorker, type ClaimOutcome } from '../database/claim-worker';
import type { SqlStep } from '../database/sql';
import { DatabaseReady } from '../database/database-ready';
import { outboxBackoffMs } from './outbox-backoff';
import type { OutboxEntry } from './outbox-entry';
import type { DeliveryResult, OutboxDelivery } from './outbox-handler';
import { OutboxHandlers } from './outbox-handlers';
import { OutboxRepository } from './outbox.repository';

/** A claim outlives the slowest delivery (an API call's deadline) with room to spare. */
const CLAIM_MS = 120_000;

/**
 * Delivers the outbox (see docs/outbox.md). Deliveries run side by side up to
 * OUTBOX_CONCURRENCY, at most OUTBOX_PER_CHATBOT of one kind per chatbot (a handler may set
 * its own cap), so a slow backend holds up its own chatbot's deliveries only. Woken right after a turn commits; a sweeper looks for due
 * retries and expired claims every OUTBOX_POLL_MS.
 */
@Injectable()
export class OutboxDispatcher
  extends ClaimWorker<OutboxDelivery>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly owner = `outbox:${newId()}`;
  /**
   * The caps (capKey) with rows stored unclaimed and not yet claimed: while one has, a turn's
   * new rows of it queue behind them instead of taking a slot as it frees (first come, first
   * served; a busy chatbot's oldest replies are not overtaken for ever by new ones).
   */
  private readonly backlog = new Set<string>();
  /** Ends of attempts waiting for the statement being written (finish). */
  private readonly ends: PendingEnd[] = [];
  private ending: Promise<void> | null = null;

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

  /**
   * Lets a turn store its new outbox rows already claimed by this instance (see
   * enqueueOutboxSql), saving a claiming query per delivery: only while it runs and has a
   * free slot within the chatbot's cap. Null: store them unclaimed.
   */
  claimInCommit(
    chatbotId: string,
    entries: readonly OutboxEntry[],
  ): { owner: string; claimMs: number } | null {
    if (!this.isRunning() || this.inFlight.size >= this.config.outboxConcurrency) return null;
    const inFlight = this.inFlightPerCap();
    const room = entries.every((e) => {
      const key = capKey(chatbotId, e.kind);
      return !this.backlog.has(key) && (inFlight.get(key) ?? 0) < this.capOf(e.kind);
    });
    return room ? { owner: this.owner, claimMs: CLAIM_MS } : null;
  }

  /**
   * After a turn committed its outbox rows: delivers at once those stored claimed by this
   * instance (or gives the claims back if it has stopped meanwhile), and looks for the rest.
   */
  afterCommit(
    entries: OutboxEntry[],
    claimedIds: string[],
    owner: { chatbotId: string; conversationId: string },
  ): void {
    const claimed = new Set(claimedIds);
    const refused: string[] = [];
    for (const e of entries) {
      if (!claimed.has(e.id)) {
        this.backlog.add(capKey(owner.chatbotId, e.kind));
        continue;
      }
      const row = {
        id: e.id,
        kind: e.kind,
        ...owner,
        payload: e.payload,
        attempt: 1,
        claimedInCommit: true,
      };
      if (!this.adopt(row)) refused.push(e.id);
    }
    if (refused.length)
      void this.rows.release(refused, this.owner).catch((err: unknown) => {
        this.logger.error({ err }, 'Outbox: could not give back claims');
      });
    if (claimed.size < entries.length || refused.length) this.kick();
  }

  /** Deliveries of one kind in flight for one chatbot at most (see capKey). */
  private capOf(kind: string): number {
    return this.handlers.get(kind)?.perChatbot ?? this.config.outboxPerChatbot;
  }

  private inFlightPerCap(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { item } of this.inFlight.values()) {
      const key = capKey(item.chatbotId, item.kind);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  protected async claim(free: number): Promise<OutboxDelivery[]> {
    const counts = this.inFlightPerCap();
    const full = [...this.inFlight.values()]
      .map(({ item }) => item)
      .filter(
        (item) => (counts.get(capKey(item.chatbotId, item.kind)) ?? 0) >= this.capOf(item.kind),
      )
      .map((item) => capKey(item.chatbotId, item.kind));
    const skipped = new Set(full);
    const claimed = await this.rows.claim(
      this.owner,
      free,
      CLAIM_MS,
      [...skipped],
      this.handlers.claimCheckSql(),
    );
    // Fewer than asked: every due row of the caps looked at was taken.
    if (claimed.length < free)
      for (const key of this.backlog) if (!skipped.has(key)) this.backlog.delete(key);
    const take: OutboxDelivery[] = [];
    const overCap: string[] = [];
    for (const row of claimed) {
      const key = capKey(row.chatbotId, row.kind);
      const n = counts.get(key) ?? 0;
      if (n >= this.capOf(row.kind)) {
        overCap.push(row.id);
        this.backlog.add(key);
        continue;
      }
      counts.set(key, n + 1);
      take.push(row);
    }
    // Claimed in one batch beyond the cap: back to the queue, not counted.
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
    const maxAttempts = handler?.maxAttempts ?? this.config.outboxMaxAttempts;
    const retry = !result.ok && result.retryable && row.attempt < maxAttempts;
    const outcome: ClaimOutcome = result.ok
      ? { status: 'done' }
      : retry
        ? {
            status: 'pending',
            error: result.error,
            retryInMs: outboxBackoffMs(row.attempt, Math.random, result.retryAfterMs),
          }
        : { status: 'failed', error: result.error };
    await this.finish(row, outcome, result.record);
    if (result.ok) this.logger.info({ ...log, detail: result.detail }, 'Outbox: delivered');
    else
      this.logger.warn(
        { ...log, error: result.error, will_retry: retry },
        'Outbox: delivery failed',
      );
  }

  /**
   * Ends the attempt. Ends are written one statement at a time: those that come while one is
   * being written go together in the next (fewer statements the busier it is). While rows of
   * a cap wait unclaimed, the same statement claims the oldest of them for the slots it frees
   * (no claiming query of their own, and in order).
   */
  private finish(row: OutboxDelivery, outcome: ClaimOutcome, record?: SqlStep): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ends.push({ row, outcome, record, resolve, reject });
      if (!this.ending) this.writeEnds();
    });
  }

  private writeEnds(): void {
    const batch = this.ends.splice(0);
    this.ending = this.writeBatch(batch)
      .catch((err: unknown) => this.logger.error({ err }, 'Outbox: handing on claims failed'))
      .finally(() => {
        this.ending = null;
        if (this.ends.length) this.writeEnds();
      });
  }

  private async writeBatch(batch: PendingEnd[]): Promise<void> {
    const handOn = new Map<string, { chatbotId: string; kind: string; limit: number }>();
    if (this.isRunning())
      for (const { row } of batch) {
        const key = capKey(row.chatbotId, row.kind);
        if (!this.backlog.has(key)) continue;
        const cap = handOn.get(key) ?? { chatbotId: row.chatbotId, kind: row.kind, limit: 0 };
        cap.limit++;
        handOn.set(key, cap);
      }
    const ends = batch.map((b) => ({ id: b.row.id, outcome: b.outcome, record: b.record }));
    let next: OutboxDelivery[];
    try {
      next = await this.rows.finishMany(this.owner, ends, [...handOn.values()], {
        ms: CLAIM_MS,
        check: this.handlers.claimCheckSql(),
      });
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // One failing end (its record) must not fail the others: each on its own then.
      for (const [n, b] of batch.entries())
        await this.rows.finishMany(this.owner, [ends[n]], []).then(() => b.resolve(), b.reject);
      return;
    }
    for (const b of batch) b.resolve();
    const taken = new Map<string, number>();
    for (const row of next) {
      const key = capKey(row.chatbotId, row.kind);
      taken.set(key, (taken.get(key) ?? 0) + 1);
      if (!this.adopt(row)) await this.rows.release([row.id], this.owner);
    }
    // Fewer than the slots freed: nothing of that cap waits any more.
    for (const [key, cap] of handOn)
      if ((taken.get(key) ?? 0) < cap.limit) this.backlog.delete(key);
  }
}

interface PendingEnd {
  row: OutboxDelivery;
  outcome: ClaimOutcome;
  record?: SqlStep;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The per-chatbot cap counts each kind apart: a chatbot's slow backend (its API calls) does
 * not hold up its channel sends, nor the other way round.
 */
const capKey = (chatbotId: string, kind: string): string => `${chatbotId} ${kind}`;
