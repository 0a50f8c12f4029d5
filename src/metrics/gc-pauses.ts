import { PerformanceObserver, constants } from 'node:perf_hooks';
import { Histogram, Registry } from 'prom-client';

export const GC_METRIC = 'nodejs_gc_duration_seconds';
const GC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Garbage-collection pauses, every one of them: `nodejs_gc_duration_seconds` by kind, with
 * buckets from 0.5 ms. It takes the place of prom-client's default metric of that name, whose
 * observer keeps only the first entry of each batch node delivers (a busy process has
 * several GCs per batch, so it undercounts exactly when it matters).
 */
export class GcPauseMetrics {
  private readonly observer: PerformanceObserver;

  constructor(registry: Registry) {
    registry.removeSingleMetric(GC_METRIC);
    const pauses = new Histogram({
      name: GC_METRIC,
      help: 'Garbage collection pauses by kind (major, minor, incremental, weakcb), every one counted.',
      labelNames: ['kind'] as const,
      buckets: GC_BUCKETS,
      registers: [registry],
    });
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const detail = (entry as { detail?: { kind?: number } | null }).detail;
        const kind = KINDS[detail?.kind ?? -1] ?? 'other';
        pauses.observe({ kind }, entry.duration / 1000);
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.observer.disconnect();
  }
}
