import { sqlState } from './sql';

/**
 * Runs concurrent calls of one kind of write as one statement (group commit): while
 * `inFlight` statements of the kind are running, new calls wait and go together in the next,
 * at most `max` to a statement. A call made while fewer run goes at once, so one user at a
 * time pays no delay; under load, calls share a statement's round trip, parse, transaction
 * and WAL flush instead of paying one each (docs/scaling.md › Writes grouped across users).
 *
 * Two calls that share a key never go in the same statement: the later one waits for the
 * next (the statements of one conversation, or of one ordering key, stay one at a time and
 * in order). Calls in a statement are ordered by their first key, so that statements running
 * at once take their row and advisory locks in the same order.
 *
 * A statement the database refused (an error it reported: it wrote nothing) is tried again
 * call by call (`single`), so that one bad call fails alone and the others are written. Any
 * other failure (the connection broke: the statement may have been written) fails every call
 * of it, as it would have failed a call alone.
 */
export class StatementBatch<C, R> {
  private waiting: Array<{ call: C; keys: string[]; done: Settle<R> }> = [];
  private running = 0;

  constructor(
    private readonly o: {
      /** The calls' results, in order, from one statement. */
      many: (calls: C[]) => Promise<R[]>;
      /** One call alone (a batch of one, or each call of a failed batch). */
      single: (call: C) => Promise<R>;
      /** What two calls in one statement must not share; the first orders a statement's calls. */
      keys: (call: C) => string[];
      max: number;
      inFlight: number;
    },
  ) {}

  run(call: C): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ call, keys: this.o.keys(call), done: { resolve, reject } });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.o.inFlight && this.waiting.length > 0) {
      const taken = new Set<string>();
      const batch: typeof this.waiting = [];
      const rest: typeof this.waiting = [];
      for (const w of this.waiting) {
        if (batch.length < this.o.max && !w.keys.some((k) => taken.has(k))) {
          w.keys.forEach((k) => taken.add(k));
          batch.push(w);
        } else rest.push(w);
      }
      this.waiting = rest;
      batch.sort((a, b) => compare(a.keys[0] ?? '', b.keys[0] ?? ''));
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async write(batch: Array<{ call: C; done: Settle<R> }>): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.o.many(batch.map((b) => b.call));
        batch.forEach((b, i) => b.done.resolve(results[i]));
        return;
      } catch (err) {
        if (sqlState(err) === undefined) {
          batch.forEach((b) => b.done.reject(err));
          return;
        }
      }
    }
    await Promise.all(batch.map((b) => this.o.single(b.call).then(b.done.resolve, b.done.reject)));
  }
}

interface Settle<R> {
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
