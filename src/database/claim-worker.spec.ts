import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import pino from 'pino';
import { ClaimWorker } from './claim-worker';
import { DatabaseReady } from './database-ready';

/** A worker with nothing to claim, recording what it processes and when. */
class Recorder extends ClaimWorker<{ id: string }> {
  readonly log: string[] = [];
  constructor(ready: DatabaseReady) {
    super(ready, pino({ level: 'silent' }), {
      name: 'test',
      pollMs: 0,
      concurrency: 4,
      shutdownMs: 1000,
    });
  }
  start(): void {
    this.begin();
  }
  stop(): Promise<void> {
    return this.end();
  }
  protected claim(): Promise<{ id: string }[]> {
    return Promise.resolve([]);
  }
  protected process(item: { id: string }): Promise<void> {
    this.log.push(`process ${item.id}`);
    return Promise.resolve();
  }
  protected release(ids: string[]): Promise<void> {
    this.log.push(`release ${ids.join(',')}`);
    return Promise.resolve();
  }
}

async function started(): Promise<Recorder> {
  const ready = new DatabaseReady();
  const worker = new Recorder(ready);
  worker.start();
  ready.markReady();
  await ready.promise;
  return worker;
}

describe('ClaimWorker.adopt', () => {
  it('should start an adopted item at once', async () => {
    const worker = await started();
    expect(worker.adopt({ id: 'a' })).toBe(true);
    expect(worker.log).toEqual(['process a']);
    await worker.stop();
  });

  it('should start an item adopted for later after what the caller does next, in its slot meanwhile', async () => {
    const worker = await started();
    expect(worker.adopt({ id: 'a' }, true)).toBe(true);
    // The slot is taken at once: the same item is not adopted twice.
    expect(worker.adopt({ id: 'a' }, true)).toBe(false);
    await Promise.resolve().then(() => worker.log.push('the caller answers'));
    expect(worker.log).toEqual(['the caller answers']);
    await nextLoopTurn();
    expect(worker.log).toEqual(['the caller answers', 'process a']);
    await worker.stop();
  });
});
