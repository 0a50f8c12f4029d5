import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { newId } from '../common/new-id';
import {
  ConversationRepository,
  type FirstTry,
  type LeaseGate,
  type LeasedConversation,
} from './conversation.repository';
import type { EarlyLease } from './inbound-turn';
import { SessionQueue } from './session-queue';

/**
 * How long a lease lasts without renewal, and how often its holder renews it. A process that
 * dies holding a lease blocks its session for at most LEASE_MS; a live one renews three
 * times per lease, so one slow renewal never loses it.
 */
export const LEASE_MS = 9_000;
export const RENEW_EVERY_MS = 3_000;
/** How long a place in line outlives its waiter's own deadline (then it expires). */
const TICKET_GRACE_MS = 2_000;
const ticketMs = (waitUntil: number) => Math.max(0, waitUntil - Date.now()) + TICKET_GRACE_MS;

export type LeaseOutcome =
  | { kind: 'leased'; row: LeasedConversation; owner: string }
  | { kind: 'missing' }
  | { kind: 'timeout' };

/**
 * The session lease: one holder at a time per conversation, across instances. Every write to
 * a conversation (a turn, a close, a handoff release) happens under it.
 *
 * Order: a message that finds the lease taken (or others already waiting) gets a place in
 * line in the same statement, numbered by the database, so messages are served in arrival
 * order whichever instance they reached. First tries for one conversation leave this process
 * one at a time, so the line also keeps this instance's arrival order. A waiter retries when
 * a holder on this instance lets go, and otherwise polls with growing pauses.
 */
@Injectable()
export class SessionLease {
  private readonly instance = newId();
  /** Per conversation: this process's first tries, one at a time in arrival order. */
  private readonly arrivals = new SessionQueue();
  /** Per conversation: waiters on this process to wake when a local holder lets go. */
  private readonly sleepers = new Map<string, Set<() => void>>();
  /** What an early first try holds (tryByKeyAfter), until a turn or its maker uses it. */
  private readonly early = new WeakMap<EarlyLease, { owner: string; first: FirstTry | null }>();

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A fresh owner name for one lease holding. */
  newOwner(): string {
    return `${this.instance}:${newId()}`;
  }

  /** Takes the lease in arrival order, waiting until `waitUntil` at most. */
  async acquire(
    id: string,
    chatbotId: string,
    channel: string | null,
    waitUntil: number,
  ): Promise<LeaseOutcome> {
    const owner = this.newOwner();
    const first = await this.arrivals.run(id, () =>
      this.conversations.tryLease(id, chatbotId, channel, owner, LEASE_MS, ticketMs(waitUntil)),
    );
    return this.afterFirstTry(first, chatbotId, channel, owner, waitUntil);
  }

  /**
   * The same for the open conversation holding a channel session key, found in the first
   * try's own statement ('missing': none is open). Callers keep one key's first tries in
   * order themselves (TurnService queues turns by key).
   */
  async acquireByKey(
    key: string,
    chatbotId: string,
    channel: string,
    waitUntil: number,
  ): Promise<LeaseOutcome> {
    const owner = this.newOwner();
    const first = await this.conversations.tryLeaseByKey(
      key,
      chatbotId,
      channel,
      owner,
      LEASE_MS,
      ticketMs(waitUntil),
    );
    return this.afterFirstTry(first, chatbotId, channel, owner, waitUntil);
  }

  /**
   * The write `gate` and, only when it says `go`, the first try at the lease of the open
   * conversation with this key, in one statement: the gate's answer (null: no row), and the
   * first try to hand to the turn (continueFrom), or to drop. A place in line lasts until
   * `waitUntil`, the turn's own deadline.
   */
  async tryByKeyAfter(
    gate: LeaseGate,
    key: string,
    chatbotId: string,
    channel: string,
    waitUntil: number,
  ): Promise<{ go: boolean | null; early: EarlyLease | null }> {
    const owner = this.newOwner();
    const { go, first } = await this.conversations.tryLeaseByKeyAfter(
      gate,
      key,
      chatbotId,
      channel,
      owner,
      LEASE_MS,
      ticketMs(waitUntil),
    );
    if (!go) return { go, early: null };
    const early: EarlyLease = { chatbotId, channel, key };
    this.early.set(early, { owner, first });
    return { go, early };
  }

  /** Whether the early first try is still to be taken over, and for this session. */
  heldFor(early: EarlyLease, chatbotId: string, channel: string, key: string): boolean {
    return (
      this.early.has(early) &&
      early.chatbotId === chatbotId &&
      early.channel === channel &&
      early.key === key
    );
  }

  /** Takes an early first try over (acquireByKey's outcome from it), once. */
  continueFrom(early: EarlyLease, waitUntil: number): Promise<LeaseOutcome> {
    const held = this.takeEarly(early);
    if (!held) return Promise.resolve({ kind: 'timeout' });
    return this.afterFirstTry(held.first, early.chatbotId, early.channel, held.owner, waitUntil);
  }

  /** Gives back an early first try no turn took over: the lease, or the place in line. */
  async drop(early: EarlyLease): Promise<void> {
    const held = this.takeEarly(early);
    if (!held?.first) return;
    if ('ticket' in held.first) return this.leaveLine(held.first.ticket);
    await this.conversations.release(held.first.row.id, held.owner);
    this.released(held.first.row.id);
  }

  private takeEarly(early: EarlyLease) {
    const held = this.early.get(early);
    this.early.delete(early);
    return held;
  }

  /** Leased, missing, or waits in line for its turn. */
  private async afterFirstTry(
    first: FirstTry | null,
    chatbotId: string,
    channel: string | null,
    owner: string,
    waitUntil: number,
  ): Promise<LeaseOutcome> {
    if (first === null) return { kind: 'missing' };
    if ('row' in first) return { kind: 'leased', row: first.row, owner };
    const { ticket, id } = first;
    try {
      let delay = 2;
      for (let attempt = 1; ; attempt++) {
        if (Date.now() + delay > waitUntil) break;
        await this.sleep(id, delay);
        const row = await this.conversations.tryLeaseInLine(
          id,
          chatbotId,
          channel,
          owner,
          LEASE_MS,
          ticket,
        );
        if (row) return { kind: 'leased', row, owner };
        if (attempt % 20 === 0 && !(await this.conversations.exists(id, chatbotId, channel)))
          return { kind: 'missing' };
        delay = Math.min(delay * 2, 100);
      }
    } catch (err) {
      await this.leaveLine(ticket);
      throw err;
    }
    await this.leaveLine(ticket);
    return { kind: 'timeout' };
  }

  /** Renews the lease every RENEW_EVERY_MS until the returned function is called. */
  keepAlive(id: string, owner: string): () => void {
    const timer = setInterval(() => {
      this.conversations.renewLease(id, owner, LEASE_MS).catch((err: unknown) => {
        this.logger.warn({ err, conversation_id: id }, 'Lease renewal failed');
      });
    }, RENEW_EVERY_MS);
    return () => clearInterval(timer);
  }

  /** A holder on this instance let go of the lease: its local waiters try again now. */
  released(id: string): void {
    const waiting = this.sleepers.get(id);
    if (!waiting) return;
    this.sleepers.delete(id);
    for (const wake of waiting) wake();
  }

  private sleep(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.sleepers.get(id);
      if (!set) this.sleepers.set(id, (set = new Set()));
      const waiting = set;
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        if (waiting.size === 0 && this.sleepers.get(id) === waiting) this.sleepers.delete(id);
        resolve();
      }, ms);
      waiting.add(wake);
    });
  }

  private async leaveLine(ticket: string): Promise<void> {
    await this.conversations.leaveLine(ticket).catch((err: unknown) => {
      // The place expires on its own; until then it only delays later waiters.
      this.logger.warn({ err }, 'Could not give up a place in a session line');
    });
  }
}
