import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DatabaseReady } from './database-ready';

/** How one attempt at a claimed row ended: done, failed for good, or pending again later. */
export type ClaimOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: string }
  | { status: 'pending'; error: string; retryInMs: number };

export interface ClaimWorkerOptions {
  /** For logs. */
  name: string;
  /** How often to look for due work besides being woken; 0: only when woken. */
  pollMs: number;
  /** Items processed at once by this instance. */
  concurrency: number;
  /** On shutdown: how long in-flight items may finish before their claims are given back. */
  shutdownMs: number;
}

/**
 * The loop shared by the outbox and the inbox: claim due rows (the subclass's query, safe
 * across instances), process each in its own slot, refill a slot as soon as it frees, and on
 * shutdown stop claiming, let in-flight items finish for a bounded time, then give back the
 * claims of the rest. Starts only once the database is ready (migrations applied).
 */
export abstract class ClaimWorker<T extends { id: string }> {
  protected readonly inFlight = new Map<string, { item: T; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | null = null;
  private again = false;
  /**
   * A claim ran while items were in flight: rows queued behind them (later rows of their
   * ordering key) or left for want of a free slot are claimed as soon as one finishes.
   */
  private recheck = false;
  private started = false;
  private stopped = false;
  /** Slots promised to items being stored claimed right now (see reserve). */
  private reserved = 0;

  constructor(
    private readonly ready: DatabaseReady,
    protected readonly logger: Logger,
    private readonly options: ClaimWorkerOptions,
  ) {}

  /** Claims up to `free` items; may skip or give back some (e.g. over a per-tenant cap). */
  protected abstract claim(free: number): Promise<T[]>;
  protected abstract process(item: T): Promise<void>;
  protected abstract release(ids: string[]): Promise<void>;

  /** Begins once the database is ready; call from onApplicationBootstrap. */
  protected begin(): void {
    void this.ready.promise.then(() => {
      if (this.stopped) return;
      this.started = true;
      if (this.options.pollMs > 0) {
        this.timer = setInterval(() => this.kick(), this.options.pollMs);
        this.timer.unref();
      }
      this.kick();
    });
  }

  /** Stops claiming and winds down; call from beforeApplicationShutdown (the database is still open). */
  protected async end(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.filling;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight.values()].map((d) => d.done)),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, this.options.shutdownMs))),
    ]);
    clearTimeout(timeout);
    const unfinished = [...this.inFlight.keys()];
    if (unfinished.length === 0) return;
    // Forget them: a late finish of an abandoned item must not write over the next claimer.
    this.inFlight.clear();
    await this.release(unfinished).catch((err: unknown) => {
      this.logger.error({ err }, `${this.options.name}: could not release claims on shutdown`);
    });
    this.logger.warn(
      { released: unfinished.length },
      `${this.options.name}: released unfinished work`,
    );
  }

  /** Whether it takes work now: begun, not winding down. */
  protected isRunning(): boolean {
    return this.started && !this.stopped;
  }

  /** Whether an item is still this instance's to finish (false once abandoned at shutdown). */
  protected stillOwned(id: string): boolean {
    return this.inFlight.has(id);
  }

  /** Fill free slots now (coalesced: one fill at a time, another right after if asked). */
  kick(): void {
    if (this.stopped || !this.started) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill()
      .catch((err: unknown) => this.logger.error({ err }, `${this.options.name}: claiming failed`))
      .finally(() => {
        this.filling = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Promises a slot to an item about to be stored claimed by this instance and then adopted:
   * false when every slot is taken or promised (store it unclaimed then, for a later claim).
   * Without it, a burst beyond capacity would start every stored item at once: turns without
   * bound competing for the pool and the event loop with the webhooks that store them.
   * Each true must be followed by one unreserve(), adopted or not.
   */
  reserve(): boolean {
    if (!this.isRunning() || this.inFlight.size + this.reserved >= this.options.concurrency)
      return false;
    this.reserved++;
    return true;
  }

  /** Gives back a promised slot (after adopt() took the item, or when there was none to take). */
  unreserve(): void {
    this.reserved--;
    // A claim skipped for want of a slot may now have one.
    if (!this.recheck) return;
    this.recheck = false;
    this.kick();
  }

  /**
   * Processes an item this instance claimed by other means (stored already claimed), at once
   * and in a slot like any other; false when the worker is not running (the claim then runs
   * out and any instance takes the item). `later`: the slot is taken now, the processing starts
   * on the event loop's next turn, so that what the caller does next goes first (a webhook's
   * 200, and those of the other events stored by the same statement).
   */
  adopt(item: T, later = false): boolean {
    if (this.stopped || !this.started || this.inFlight.has(item.id)) return false;
    this.startOne(item, later);
    return true;
  }

  /** Resolves when nothing is being claimed or processed; for tests. */
  async idle(): Promise<void> {
    while (this.filling || this.inFlight.size > 0) {
      await this.filling;
      await Promise.all([...this.inFlight.values()].map((d) => d.done));
    }
  }

  private async fill(): Promise<void> {
    for (;;) {
      const free = this.options.concurrency - this.inFlight.size - this.reserved;
      if (this.stopped) return;
      if (free <= 0) {
        this.recheck = true;
        return;
      }
      const claimed = await this.claim(free);
      for (const item of claimed) this.startOne(item);
      if (this.inFlight.size > 0) this.recheck = true;
      // Fewer than asked: nothing else was due. Work arriving meanwhile kicks again.
      if (claimed.length < free) return;
    }
  }

  private startOne(item: T, later = false): void {
    const started = later
      ? nextLoopTurn().then(() =>
          // Abandoned at shutdown before it began: the claim was given back, nothing to do.
          this.inFlight.has(item.id) ? this.process(item) : undefined,
        )
      : this.process(item);
    const done = started
      .catch((err: unknown) =>
        this.logger.error({ err, id: item.id }, `${this.options.name}: processing crashed`),
      )
      .finally(() => {
        this.inFlight.delete(item.id);
        // Nothing can be waiting on an item nobody claimed alongside: no query then.
        if (!this.recheck) return;
        this.recheck = false;
        this.kick();
      });
    this.inFlight.set(item.id, { item, done });
  }
}
