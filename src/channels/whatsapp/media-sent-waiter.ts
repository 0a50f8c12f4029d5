import { Injectable } from '@nestjs/common';

/**
 * Lets the send after a media message wait for that message's first status from Meta
 * (WhatsApp otherwise shows a later text before the image), at most `maxMs`. Statuses
 * processed on another instance are not seen here: the wait then ends at `maxMs`.
 */
@Injectable()
export class MediaSentWaiter {
  private readonly waiting = new Map<string, () => void>();
  /** Statuses that came before anyone waited (bounded: the oldest go first). */
  private readonly early = new Set<string>();

  /** Resolves when a status for `wamid` is reported here, or after `maxMs`. */
  wait(wamid: string, maxMs: number): Promise<void> {
    if (this.early.delete(wamid)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        waiting.delete(wamid);
        resolve();
      }
      this.waiting.set(wamid, done);
    });
  }

  /** A status of `wamid` arrived (sent, delivered, read or failed). */
  reported(wamid: string): void {
    const waiter = this.waiting.get(wamid);
    if (waiter) return waiter();
    this.early.add(wamid);
    if (this.early.size > 1000) this.early.delete(this.early.values().next().value as string);
  }
}
