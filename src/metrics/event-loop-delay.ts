import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, Registry, Summary } from 'prom-client';

/** How often the event loop is sampled (ms): node's own timer, no JavaScript runs per sample. */
export const EVENT_LOOP_SAMPLE_MS = 10;
const QUANTILES = [0.5, 0.9, 0.99, 0.999];

/** Cumulative figures of an event-loop delay histogram, in seconds. */
export interface DelayFigures {
  count: number;
  sum: number;
  max: number;
  quantiles: Array<{ quantile: number; seconds: number }>;
}

/**
 * The figures of node's event-loop delay histogram, as delays: node records the whole
 * interval between two samples of its `resolutionMs` timer, so the timer's own period comes
 * off every value (a loop that never waits shows 0, not 10 ms).
 */
export function delayFigures(
  h: Pick<IntervalHistogram, 'count' | 'mean' | 'max' | 'percentile'>,
  resolutionMs: number,
): DelayFigures {
  const period = resolutionMs * 1e6;
  const delay = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns - period) / 1e9 : 0);
  const count = h.count;
  return {
    count,
    sum: count > 0 ? delay(h.mean) * count : 0,
    max: count > 0 ? delay(h.max) : 0,
    quantiles: QUANTILES.map((q) => ({
      quantile: q,
      seconds: count > 0 ? delay(h.percentile(q * 100)) : 0,
    })),
  };
}

/**
 * Event-loop delay from node:perf_hooks' monitorEventLoopDelay, since the process (this
 * registry) started: a summary `nodejs_eventloop_delay_seconds` (quantiles 0.5, 0.9, 0.99,
 * 0.999, with _sum and _count) and a gauge `nodejs_eventloop_delay_max_seconds`. Never reset
 * by a scrape, so any number of scrapers see the same figures; prom-client's default
 * `nodejs_eventloop_lag_*` gauges stay beside it for the figures since the previous scrape.
 */
export class EventLoopDelayMetrics {
  private readonly histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });

  constructor(registry: Registry) {
    const figures = (): DelayFigures => delayFigures(this.histogram, EVENT_LOOP_SAMPLE_MS);
    new DelaySummary(registry, figures);
    new Gauge({
      name: 'nodejs_eventloop_delay_max_seconds',
      help: 'Longest event-loop delay since start (monitorEventLoopDelay, 10 ms samples).',
      registers: [registry],
      collect() {
        this.set(figures().max);
      },
    });
    this.histogram.enable();
  }

  stop(): void {
    this.histogram.disable();
  }
}

/** A summary whose values are read from the histogram when scraped, not observed one by one. */
class DelaySummary extends Summary {
  constructor(
    registry: Registry,
    private readonly figures: () => DelayFigures,
  ) {
    super({
      name: 'nodejs_eventloop_delay_seconds',
      help: 'Event-loop delay since start (monitorEventLoopDelay, 10 ms samples).',
      percentiles: QUANTILES,
      registers: [registry],
    });
  }

  override async get(): ReturnType<Summary['get']> {
    const base = await super.get();
    const f = this.figures();
    return {
      ...base,
      values: [
        ...f.quantiles.map((q) => ({ labels: { quantile: q.quantile }, value: q.seconds })),
        { metricName: `${base.name}_sum`, labels: {}, value: f.sum },
        { metricName: `${base.name}_count`, labels: {}, value: f.count },
      ],
    };
  }
}
