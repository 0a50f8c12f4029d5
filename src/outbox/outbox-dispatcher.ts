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
import type { MessagesDelivery } from '../conversation/messages-delivered-sql';
import { DatabaseReady } from '../database/database-ready';
import { outboxBackoffMs } from './outbox-backoff';
import type { OutboxEntry } from './outbox-entry';
import type { DeliveryResult, OutboxDelivery } from './outbox-handler';
import { OutboxHandlers } from './outbox-handlers';
import { MAX_ENDS, OutboxRepository } from './outbox.repository';

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
  /**
   * Per ordering key being delivered here: the rows of the key this instance holds claimed
   * behind the one in flight, delivered one after the other as each ends (see afterCommit).
   */
  private readonly chains = new Map<string, KeyChain>();
  /** Claims being given back (awaited on shutdown). */
  private readonly givingBack = new Set<Promise<void>>();
  /** Ends of attempts waiting for the statement being written (finish). */
  private readonly ends: PendingEnd[] = [];
  /**
   * Rows whose attempt is over (the provider answered) and whose end is being written: they
   * no longer count against their chatbot's cap, which limits calls to the provider, not our
   * own writes (a delivery's slot would otherwise be held for the end statement too, and the
   * cap, not the provider, would set a busy chatbot's rate).
   */
  private readonly answered = new Set<string>();
  /** The slots per cap that the end statement being written claims rows for (writeBatch). */
  private handingOn = new Map<string, { chatbotId: string; kind: string; limit: number }>();
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
  async beforeApplicationShutdown(): Promise<void> {
    await this.end();
    // Rows held behind a delivery that did not finish in time.
    const held = [...this.chains.values()].flatMap((c) => c.queue.map((q) => q.row.id));
    this.chains.clear();
    await this.giveBack(held);
    await Promise.all(this.givingBack);
  }

  /**
   * Lets a turn store its new outbox rows already claimed by this instance (see
   * enqueueOutboxSql), saving a claiming query per delivery, while it runs: a row of a key
   * this instance is delivering now goes behind it (no slot needed); any other row needs a
   * free slot within the chatbot's cap. Null: store them unclaimed. Hand the same object to
   * afterCommit.
   */
  claimInCommit(chatbotId: string, entries: readonly OutboxEntry[]): OutboxClaim | null {
    if (!this.isRunning()) return null;
    const chains = new Map<string, KeyChain>();
    for (const e of entries) {
      const chain = this.chains.get(e.orderingKey);
      if (chain) chains.set(e.orderingKey, chain);
    }
    const held = [...chains.values()].flatMap((c) => [c.current, ...c.queue.map((q) => q.row.id)]);
    const needSlots = entries.filter((e) => !chains.has(e.orderingKey));
    if (needSlots.length > 0) {
      if (this.inFlight.size >= this.config.outboxConcurrency) return null;
      const inFlight = this.inFlightPerCap();
      const room = needSlots.every((e) => {
        const key = capKey(chatbotId, e.kind);
        return !this.backlog.has(key) && (inFlight.get(key) ?? 0) < this.capOf(e.kind);
      });
      if (!room) return null;
    }
    return { owner: this.owner, claimMs: CLAIM_MS, held, chains };
  }

  /**
   * After a turn committed its outbox rows: delivers those stored claimed by this instance,
   * in order: at once, or behind the row of their key in flight here (its chain). A row
   * claimed behind a delivery that has since failed (to be tried again first) is given back,
   * as are all when this instance has stopped; the rest are looked for.
   */
  afterCommit(
    entries: OutboxEntry[],
    claimedIds: string[],
    owner: { chatbotId: string; conversationId: string | null },
    claim?: OutboxClaim | null,
  ): void {
    const claimed = new Set(claimedIds);
    const refused: string[] = [];
    for (const e of entries) {
      if (!claimed.has(e.id)) {
        this.backlog.add(capKey(owner.chatbotId, e.kind));
        continue;
      }
      const row: OutboxDelivery = {
        id: e.id,
        kind: e.kind,
        ...owner,
        orderingKey: e.orderingKey,
        payload: e.payload,
        attempt: 1,
        claimedInCommit: true,
      };
      // The chain the commit claimed it behind broke meanwhile: rows held there were given
      // back, and must go first (even if the key is being delivered here again by now).
      const broken = claim?.chains.get(e.orderingKey)?.broken === true;
      const chain = this.chains.get(e.orderingKey);
      if (!broken && chain && this.isRunning()) {
        // Its opt-out check (SMS) is made again when it goes, later.
        chain.queue.push({ row: { ...row, claimedInCommit: false }, at: Date.now() });
        continue;
      }
      if (broken || !this.adopt(row)) {
        refused.push(e.id);
        this.backlog.add(capKey(owner.chatbotId, e.kind));
      }
    }
    // Rows stored unclaimed are looked for now, unless their cap is full here: then a delivery
    // of it is in flight, and its end claims them (writeBatch; a claim now would skip the cap;
    // an end written just before this waits for the next end, or the sweep).
    const inFlight = claimed.size < entries.length ? this.inFlightPerCap() : null;
    if (
      inFlight &&
      entries.some(
        (e) =>
          !claimed.has(e.id) &&
          (inFlight.get(capKey(owner.chatbotId, e.kind)) ?? 0) < this.capOf(e.kind),
      )
    )
      this.kick();
    // Looked for again once given back: a claim before that would not see them.
    if (refused.length) void this.giveBack(refused).then(() => this.kick());
  }

  /** Deliveries of one kind in flight for one chatbot at most (see capKey). */
  private capOf(kind: string): number {
    return this.handlers.get(kind)?.perChatbot ?? this.config.outboxPerChatbot;
  }

  /** Rows being delivered per cap (capKey): in flight here, their provider not answered yet. */
  private inFlightPerCap(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { item } of this.inFlight.values()) {
      if (this.answered.has(item.id)) continue;
      const key = capKey(item.chatbotId, item.kind);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, cap] of this.handingOn) counts.set(key, (counts.get(key) ?? 0) + cap.limit);
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
    const chain = this.chains.get(row.orderingKey);
    if (chain) chain.current = row.id;
    else this.chains.set(row.orderingKey, { current: row.id, queue: [] });
    let ended: ClaimOutcome | null = null;
    try {
      ended = await this.deliver(row);
    } finally {
      this.next(row, ended);
    }
  }

  /**
   * The row's attempt ended (`outcome` written; null: not, or no longer this instance's):
   * the next row held behind it goes, unless the key must wait (the row is to be tried again,
   * or its end is unknown); then the held rows are given back, to be claimed in order later.
   */
  private next(row: OutboxDelivery, outcome: ClaimOutcome | null): void {
    const chain = this.chains.get(row.orderingKey);
    if (!chain) return;
    const goesOn = outcome !== null && outcome.status !== 'pending';
    const first = chain.queue[0];
    // Not one held about as long as its claim lasts: another instance may take it soon.
    if (goesOn && first && Date.now() - first.at < CLAIM_MS / 2 && this.adopt(first.row)) {
      chain.queue.shift();
      return;
    }
    this.chains.delete(row.orderingKey);
    if (goesOn && !first) return;
    chain.broken = true;
    if (!first) return;
    for (const { row: held } of chain.queue) this.backlog.add(capKey(held.chatbotId, held.kind));
    void this.giveBack(chain.queue.map((q) => q.row.id)).then(() => this.kick());
  }

  /** Gives claims back (logged when it cannot: they then run out on their own). */
  private giveBack(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const done = this.rows
      .release(ids, this.owner)
      .catch((err: unknown) => {
        this.logger.error({ err }, 'Outbox: could not give back claims');
      })
      .finally(() => this.givingBack.delete(done));
    this.givingBack.add(done);
    return done;
  }

  /** One attempt: the outcome written, or null when the row is no longer this instance's. */
  private async deliver(row: OutboxDelivery): Promise<ClaimOutcome | null> {
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
    if (!this.stillOwned(row.id)) return null;
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
    this.answered.add(row.id);
    try {
      await this.finish(row, outcome, result.record);
    } finally {
      this.answered.delete(row.id);
    }
    // The end stored the message.status events of the messages it failed, unclaimed: looked
    // for now rather than at the next sweep (failures are rare; sends cost no claim).
    if (result.record?.status === 'failed') this.kick();
    if (result.ok) this.logger.info({ ...log, detail: result.detail }, 'Outbox: delivered');
    else
      this.logger.warn(
        { ...log, error: result.error, will_retry: retry },
        'Outbox: delivery failed',
      );
    return outcome;
  }

  /**
   * Ends the attempt. Ends are written one statement at a time: those that come while one is
   * being written go together in the next (fewer statements the busier it is). While rows of
   * a cap wait unclaimed, the same statement claims the oldest of them for the slots it frees
   * (no claiming query of their own, and in order).
   */
  private finish(
    row: OutboxDelivery,
    outcome: ClaimOutcome,
    record?: MessagesDelivery,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ends.push({ row, outcome, record, resolve, reject });
      if (!this.ending) this.writeEnds();
    });
  }

  private writeEnds(): void {
    const batch = this.ends.splice(0, MAX_ENDS);
    this.ending = this.writeBatch(batch)
      .catch((err: unknown) => this.logger.error({ err }, 'Outbox: handing on claims failed'))
      .finally(() => {
        this.ending = null;
        if (this.ends.length) this.writeEnds();
      });
  }

  private async writeBatch(batch: PendingEnd[]): Promise<void> {
    // The free slots of the caps of these ends whose rows wait unclaimed, held for the rows
    // this statement claims (a claim meanwhile does not take them too).
    const handOn = new Map<string, { chatbotId: string; kind: string; limit: number }>();
    if (this.isRunning()) {
      const inFlight = this.inFlightPerCap();
      for (const { row } of batch) {
        const key = capKey(row.chatbotId, row.kind);
        const room = this.capOf(row.kind) - (inFlight.get(key) ?? 0);
        if (this.backlog.has(key) && room > 0 && !handOn.has(key))
          handOn.set(key, { chatbotId: row.chatbotId, kind: row.kind, limit: room });
      }
    }
    this.handingOn = handOn;
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
    } finally {
      this.handingOn = new Map();
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

/** What claimInCommit lets a turn's commit claim, and the chains it may go behind. */
export interface OutboxClaim {
  owner: string;
  claimMs: number;
  /**
   * The rows of `chains` (each one's row in flight and those behind it): a new row of their
   * keys is claimed behind them only if they are all its key has waiting. A row this instance
   * still holds claimed but no longer in a chain (being given back) keeps it unclaimed.
   */
  held: string[];
  chains: Map<string, KeyChain>;
}

/** The rows of one ordering key held here, behind the one in flight. */
interface KeyChain {
  /** The row in flight. */
  current: string;
  queue: Array<{ row: OutboxDelivery; at: number }>;
  /**
   * It stopped with its key to wait: the row in flight is to be tried again, or its end is
   * unknown (its held rows were given back; so are rows a commit claimed behind it).
   */
  broken?: boolean;
}

interface PendingEnd {
  row: OutboxDelivery;
  outcome: ClaimOutcome;
  record?: MessagesDelivery;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The per-chatbot cap counts each kind apart: a chatbot's slow backend (its API calls) does
 * not hold up its channel sends, nor the other way round.
 */
const capKey = (chatbotId: string, kind: string): string => `${chatbotId} ${kind}`;
