import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('runs one pass at a time: a call during a pass is skipped', async () => {
    let release!: () => void;
    let passes = 0;
    const task = new PeriodicTask(
      60_000,
      async () => {
        passes++;
        await new Promise<void>((r) => (release = r));
        return passes;
      },
      () => undefined,
    );
    const first = task.runOnce();
    expect(await task.runOnce()).toBeUndefined();
    release();
    expect(await first).toBe(1);
    expect(passes).toBe(1);
  });

  it('hands a failed pass to onError and runs the next one', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const task = new PeriodicTask(
      60_000,
      async () => {
        if (fail) throw new Error('boom');
        return 'ok';
      },
      (err) => errors.push(err),
    );
    expect(await task.runOnce()).toBeUndefined();
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await task.runOnce()).toBe('ok');
  });
});
