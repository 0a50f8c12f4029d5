import { createHistogram } from 'node:perf_hooks';
import { delayFigures } from './event-loop-delay';

const MS = 1e6;

describe('delayFigures', () => {
  it('takes the sampling period off every figure: a loop that never waited shows no delay', () => {
    const h = createHistogram();
    for (let i = 0; i < 100; i++) h.record(10 * MS);
    const f = delayFigures(h, 10);
    expect(f.count).toBe(100);
    // node's histogram keeps 3 significant digits: "10 ms" may read back as 10.002 ms.
    expect(f.max).toBeCloseTo(0, 4);
    expect(f.sum).toBeCloseTo(0, 2);
    for (const q of f.quantiles) expect(q.seconds).toBeCloseTo(0, 4);
  });

  it('reports a stall as its length past the period, at the top quantiles and as the max', () => {
    const h = createHistogram();
    for (let i = 0; i < 999; i++) h.record(11 * MS);
    h.record(2010 * MS); // one 2 s stall among a thousand samples
    const f = delayFigures(h, 10);
    const at = (q: number) => f.quantiles.find((x) => x.quantile === q)?.seconds;
    expect(at(0.5)).toBeCloseTo(0.001, 4);
    expect(at(0.99)).toBeCloseTo(0.001, 4);
    expect(f.max).toBeCloseTo(2, 2);
    expect(f.sum).toBeCloseTo(999 * 0.001 + 2, 1);
  });

  it('reports zeros, not NaN, before the first sample', () => {
    const f = delayFigures(createHistogram(), 10);
    expect(f).toEqual({
      count: 0,
      sum: 0,
      max: 0,
      quantiles: [0.5, 0.9, 0.99, 0.999].map((quantile) => ({ quantile, seconds: 0 })),
    });
  });
});
