import { StatementBatch } from './statement-batch';

/**
 * A write that records each statement's calls and answers when `release` is called; a
 * statement `fail` picks is refused as the database refuses one (with an SQLSTATE) or, with
 * `broken`, fails as a broken connection does (no SQLSTATE).
 */
function recorder(fail?: (calls: string[]) => boolean, broken = false) {
  const statements: string[][] = [];
  const pending: Array<() => void> = [];
  const write = (calls: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      statements.push(calls);
      pending.push(() =>
        fail?.(calls)
          ? reject(
              Object.assign(new Error(`bad: ${calls.join(',')}`), broken ? {} : { code: '23505' }),
            )
          : resolve(calls.map((c) => `ok ${c}`)),
      );
    });
  const release = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { statements, write, release };
}

const batchOf = (
  w: ReturnType<typeof recorder>,
  o: { keys?: (c: string) => string[]; max?: number; inFlight?: number } = {},
) =>
  new StatementBatch<string, string>({
    many: w.write,
    single: async (c) => (await w.write([c]))[0],
    keys: o.keys ?? ((c) => [c]),
    max: o.max ?? 16,
    inFlight: o.inFlight ?? 2,
  });

describe('StatementBatch', () => {
  it('should send a call at once when nothing runs, and gather the calls made meanwhile', async () => {
    const w = recorder();
    const batch = batchOf(w);
    const results = ['a', 'b', 'c', 'd', 'e'].map((c) => batch.run(c));
    // Two statements run at once (the first two calls); the others wait for one to end.
    expect(w.statements).toEqual([['a'], ['b']]);
    await w.release();
    expect(await Promise.all(results)).toEqual(['ok a', 'ok b', 'ok c', 'ok d', 'ok e']);
    expect(w.statements).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('should never put two calls with a key in common in one statement, nor more than max', async () => {
    const w = recorder();
    const batch = batchOf(w, {
      keys: (c) => [c.split(':')[0], `k:${c.split(':')[1]}`],
      max: 2,
      inFlight: 1,
    });
    const calls = ['u1:x', 'u2:y', 'u1:z', 'u3:y', 'u4:w', 'u5:v'];
    const results = calls.map((c) => batch.run(c));
    await w.release();
    expect(await Promise.all(results)).toEqual(calls.map((c) => `ok ${c}`));
    expect(w.statements[0]).toEqual(['u1:x']);
    for (const s of w.statements) {
      expect(s.length).toBeLessThanOrEqual(2);
      const keys = s.flatMap((c) => [c.split(':')[0], c.split(':')[1]]);
      expect(new Set(keys).size).toBe(keys.length);
    }
    // Every call went once.
    expect(w.statements.flat().sort()).toEqual([...calls].sort());
  });

  it('should order the calls of a statement by their first key', async () => {
    const w = recorder();
    const batch = batchOf(w, { inFlight: 1 });
    const results = ['first', 'c', 'a', 'b'].map((c) => batch.run(c));
    await w.release();
    await Promise.all(results);
    expect(w.statements).toEqual([['first'], ['a', 'b', 'c']]);
  });

  it('should try the calls of a failed statement one by one, so that only a bad call fails', async () => {
    const w = recorder((calls) => calls.includes('bad'));
    const batch = batchOf(w, { inFlight: 1 });
    const results = ['first', 'a', 'bad', 'b'].map((c) =>
      batch.run(c).catch((e: Error) => e.message),
    );
    await w.release();
    expect(await Promise.all(results)).toEqual(['ok first', 'ok a', 'bad: bad', 'ok b']);
    expect(w.statements).toEqual([['first'], ['a', 'b', 'bad'], ['a'], ['b'], ['bad']]);
  });

  it('should fail every call of a statement whose connection broke, without trying them again', async () => {
    // It may have been written: trying its calls again could write them twice.
    const w = recorder((calls) => calls.includes('bad'), true);
    const batch = batchOf(w, { inFlight: 1 });
    const results = ['first', 'a', 'bad'].map((c) => batch.run(c).catch((e: Error) => e.message));
    await w.release();
    expect(await Promise.all(results)).toEqual(['ok first', 'bad: a,bad', 'bad: a,bad']);
    expect(w.statements).toEqual([['first'], ['a', 'bad']]);
  });
});
