/**
 * Runs `task` every `ms` on this instance, never two passes at once (a slow pass makes the
 * next tick skip), and never keeping the process alive by itself. A pass that throws is
 * given to `onError`; the next tick runs as usual.
 */
export class PeriodicTask<T> {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly ms: number,
    private readonly task: () => Promise<T>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.ms);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass now; undefined when a pass was already running or this one failed. */
  async runOnce(): Promise<T | undefined> {
    if (this.running) return undefined;
    this.running = true;
    try {
      return await this.task();
    } catch (err) {
      this.onError(err);
      return undefined;
    } finally {
      this.running = false;
    }
  }
}
