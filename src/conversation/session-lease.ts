import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { newId } from '../common/new-id';
import { ConversationRepository, LeasedConversation } from './conversation.repository';

/**
 * How long a lease lasts without renewal, and how often its holder renews it. A process that
 * dies holding a lease blocks its session for at most LEASE_MS; a live one renews three
 * times per lease, so one slow renewal never loses it.
 */
export const LEASE_MS = 9_000;
export const RENEW_EVERY_MS = 3_000;

export type LeaseOutcome =
  | { kind: 'leased'; row: LeasedConversation; owner: string }
  | { kind: 'missing' }
  | { kind: 'timeout' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The session lease: one holder at a time per conversation, across instances. Every write to
 * a conversation (a turn, a close, a handoff release) happens under it.
 */
@Injectable()
export class SessionLease {
  private readonly instance = newId();

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A fresh owner name for one lease holding. */
  newOwner(): string {
    return `${this.instance}:${newId()}`;
  }

  /** Takes the lease, waiting (with growing pauses) while another holder has it. */
  async acquire(
    id: string,
    chatbotId: string,
    channel: string | null,
    waitUntil: number,
  ): Promise<LeaseOutcome> {
    const owner = this.newOwner();
    let delay = 2;
    let checkedExists = false;
    for (;;) {
      const row = await this.conversations.tryLease(id, chatbotId, channel, owner, LEASE_MS);
      if (row) return { kind: 'leased', row, owner };
      if (!checkedExists) {
        if (!(await this.conversations.exists(id, chatbotId, channel))) return { kind: 'missing' };
        checkedExists = true;
      }
      if (Date.now() + delay > waitUntil) return { kind: 'timeout' };
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
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
}
