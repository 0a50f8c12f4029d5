/** A queued task that did not start before its deadline (it will never run). */
export class QueueWaitTimeout extends Error {
  constructor() {
    super('Waited too long for earlier tasks of the same key');
  }
}

/**
 * Runs tasks one at a time per key, in the order they were queued (within this process).
 * Across processes the database lease serialises them. A task given a deadline that has
 * not started by then is dropped and rejected with QueueWaitTimeout.
 */
export class SessionQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>, startBy?: number): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void };
    const result = new Promise<T>((resolve, reject) => {
      settle = { resolve, reject };
    });
    if (startBy !== undefined) {
      timer = setTimeout(
        () => {
          timedOut = true;
          settle.reject(new QueueWaitTimeout());
        },
        Math.max(0, startBy - Date.now()),
      );
    }
    // The slot is held until this task has run (or, dropped, until its turn came).
    const tail = previous.then(async () => {
      clearTimeout(timer);
      if (timedOut) return;
      await task().then(settle.resolve, settle.reject);
    });
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.tails.size;
  }
}
