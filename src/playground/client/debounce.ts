export interface Debounced<A extends unknown[]> {
  /** Schedules a call with these arguments, replacing any pending one. */
  (...args: A): void;
  /** Drops the pending call. */
  cancel(): void;
  /** Runs the pending call now, if there is one. */
  flush(): void;
  readonly pending: boolean;
}

/**
 * Calls `fn` once `waitMs` have passed without another call, with the last arguments: the
 * editor validates when typing pauses, not on every key. Timers are injectable for specs.
 */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  waitMs: number,
  timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis,
): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastArgs: A | undefined;
  const run = () => {
    timer = undefined;
    const args = lastArgs!;
    lastArgs = undefined;
    fn(...args);
  };
  const debounced = (...args: A) => {
    lastArgs = args;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = timers.setTimeout(run, waitMs);
  };
  return Object.defineProperties(debounced, {
    cancel: {
      value: () => {
        if (timer !== undefined) timers.clearTimeout(timer);
        timer = undefined;
        lastArgs = undefined;
      },
    },
    flush: {
      value: () => {
        if (timer === undefined) return;
        timers.clearTimeout(timer);
        run();
      },
    },
    pending: { get: () => timer !== undefined },
  }) as Debounced<A>;
}
