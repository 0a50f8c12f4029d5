import { QueueWaitTimeout, SessionQueue } from './session-queue';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SessionQueue', () => {
  it('should run tasks of one key one at a time, in order', async () => {
    const q = new SessionQueue();
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const task = (name: string, ms: number) => async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick(ms);
      log.push(name);
      inFlight--;
      return name;
    };
    const results = await Promise.all([
      q.run('a', task('1', 20)),
      q.run('a', task('2', 1)),
      q.run('a', task('3', 5)),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['1', '2', '3']);
    expect(maxInFlight).toBe(1);
    await tick(0); // keys are forgotten just after the last task settles
    expect(q.size).toBe(0);
  });

  it('should run different keys concurrently', async () => {
    const q = new SessionQueue();
    const log: string[] = [];
    await Promise.all([
      q.run('a', async () => {
        await tick(20);
        log.push('a');
      }),
      q.run('b', async () => {
        log.push('b');
      }),
    ]);
    expect(log).toEqual(['b', 'a']);
  });

  it('should keep going after a failed task', async () => {
    const q = new SessionQueue();
    const failed = q.run('a', () => Promise.reject(new Error('boom')));
    const next = q.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('should drop a task that cannot start by its deadline, and go on with the rest', async () => {
    const q = new SessionQueue();
    const ran: string[] = [];
    const slow = q.run('a', async () => {
      await tick(60);
      ran.push('slow');
    });
    const late = q.run(
      'a',
      async () => {
        ran.push('late');
      },
      Date.now() + 10,
    );
    const patient = q.run('a', async () => {
      ran.push('patient');
    });
    await expect(late).rejects.toBeInstanceOf(QueueWaitTimeout);
    await Promise.all([slow, patient]);
    expect(ran).toEqual(['slow', 'patient']);
  });

  it('should forget every key once its tasks are done, run or dropped, however many keys it saw', async () => {
    const q = new SessionQueue();
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 2000; i++) {
      const key = `s${i % 500}`;
      runs.push(q.run(key, async () => i));
      // Every tenth key also gets a task that cannot start in time behind a slow one.
      if (i % 10 === 0) {
        runs.push(q.run(key, () => tick(5)));
        runs.push(q.run(key, async () => i, Date.now()).catch((e: unknown) => e));
      }
      expect(q.size).toBeLessThanOrEqual(500);
    }
    await Promise.all(runs);
    await tick(0);
    expect(q.size).toBe(0);
  });
});
