import { Injectable } from '@nestjs/common';

/**
 * Wakes this instance's listeners (the widget's event streams) when a message was stored
 * outside a request's answer, so they read it at once instead of at their next poll. Only a
 * hint: listeners on other instances find the message by polling.
 */
@Injectable()
export class MessageSignals {
  private readonly waiting = new Map<string, Set<() => void>>();

  notify(conversationId: string): void {
    const set = this.waiting.get(conversationId);
    if (!set) return;
    this.waiting.delete(conversationId);
    for (const wake of set) wake();
  }

  /** Resolves at the next notify for the conversation, after `ms`, or when `abort` fires. */
  wait(conversationId: string, ms: number, abort: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiting.get(conversationId);
      if (!set) this.waiting.set(conversationId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        const current = this.waiting.get(conversationId);
        current?.delete(done);
        if (current?.size === 0) this.waiting.delete(conversationId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      abort.addEventListener('abort', done);
      set.add(done);
    });
  }
}
