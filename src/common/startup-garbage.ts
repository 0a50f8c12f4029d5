import { Session } from 'node:inspector';
import type { Logger } from 'pino';

/** How long after listening the start-up collection runs. */
export const STARTUP_COLLECTION_DELAY_MS = 1000;

const rssMb = () => Math.round(process.memoryUsage.rss() / 1e5) / 10;

/**
 * Start-up (Nest's module graph, the OpenAPI document, migrations) leaves tens of MB of
 * garbage that V8 keeps until allocation pressure makes it collect, so an idle server held
 * it for good (160 MB RSS on PostgreSQL instead of about 118; README › Memory). One
 * memory-reducing collection, shortly after the server listens, returns it to the system.
 * It is asked of V8 the way a debugger asks (HeapProfiler.collectGarbage, which also shrinks
 * the young generation; `gc()` does not) through an in-process inspector session: nothing
 * is opened to the network, and the session lives for that one call.
 */
export function collectStartupGarbage(logger: Logger): void {
  setTimeout(() => {
    const before = rssMb();
    const session = new Session();
    session.connect();
    session.post('HeapProfiler.collectGarbage', () => {
      // Disconnecting inside the answer's callback deadlocks Node 20's inspector.
      setImmediate(() => {
        session.disconnect();
        logger.info({ rss_mb_before: before, rss_mb_after: rssMb() }, 'Start-up garbage collected');
      });
    });
  }, STARTUP_COLLECTION_DELAY_MS).unref();
}
