import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const POOL = new Uint32Array(1024);
let next = POOL.length;

/**
 * Random numbers in [0, 1) from the OS CSPRNG, fetched 4 KiB at a time: ulid's default
 * asks the OS once per character, which showed up as a hot spot on the turn path.
 */
function pooledRandom(): number {
  if (next === POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  return POOL[next++] / 0x1_0000_0000;
}

/** Makes a ULID: sortable by creation time, strictly increasing within this process. */
export const newId: () => string = monotonicFactory(pooledRandom);
