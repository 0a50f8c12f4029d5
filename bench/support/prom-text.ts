/**
 * Reading the gateway's /metrics (Prometheus text format) in the benches: series values,
 * and a histogram's change between two scrapes.
 */

/** Every sample line as `name{labels}` → value. */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

const nameOf = (series: string): string => {
  const brace = series.indexOf('{');
  return brace < 0 ? series : series.slice(0, brace);
};

/** The sum of every series of metric `name`, whatever its labels (NaN when there is none). */
export function sumOf(samples: Map<string, number>, name: string): number {
  let sum = NaN;
  for (const [series, v] of samples)
    if (nameOf(series) === name) sum = (Number.isNaN(sum) ? 0 : sum) + v;
  return sum;
}

export interface Bucket {
  le: number;
  /** cumulative count at or below `le` */
  count: number;
}

/** A histogram's buckets (summed over its other labels). */
function buckets(samples: Map<string, number>, name: string): Bucket[] {
  const byLe = new Map<number, number>();
  for (const [series, v] of samples) {
    if (nameOf(series) !== `${name}_bucket`) continue;
    const le = /le="([^"]+)"/.exec(series)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + v);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** What histogram `name` counted between two scrapes. */
export function histogramDelta(
  before: Map<string, number>,
  after: Map<string, number>,
  name: string,
): Bucket[] {
  const old = new Map(buckets(before, name).map((b) => [b.le, b.count]));
  return buckets(after, name).map((b) => ({ le: b.le, count: b.count - (old.get(b.le) ?? 0) }));
}

/** The upper bound of the bucket holding quantile q (Infinity past the last bound; NaN when empty). */
export function bucketQuantile(hist: Bucket[], q: number): number {
  const total = hist[hist.length - 1]?.count ?? 0;
  if (total === 0) return NaN;
  const rank = Math.ceil(q * total);
  return hist.find((b) => b.count >= rank)?.le ?? Infinity;
}

/** How many observations were above `bound` (a bucket bound). */
export function countAbove(hist: Bucket[], bound: number): number {
  const total = hist[hist.length - 1]?.count ?? 0;
  const at = hist.find((b) => b.le >= bound);
  return at ? total - at.count : 0;
}

/** The upper bound of the highest bucket that counted anything (NaN when empty). */
export function bucketMax(hist: Bucket[]): number {
  let prev = 0;
  let top = NaN;
  for (const b of hist) {
    if (b.count > prev) top = b.le;
    prev = b.count;
  }
  return top;
}
