// Winsorized revenue from the rollups' revenue histogram (worker/src/reports/revenue-histogram.ts),
// against numpy's percentile (fixtures/winsorize.json, made by fixtures/make_fixtures.py) and
// against winsorizing raw values directly.
import { describe, expect, it } from 'vitest';
import { MIN_BUYERS_FOR_CAP, bucketOf, edgeOf, winsorizationCap, winsorizedSums, type HistogramRow } from '../../worker/src/reports/revenue-histogram';
import fixtures from './fixtures/winsorize.json';

function histogram(values: readonly number[], variantOf: (i: number) => string = () => 'a'): HistogramRow[] {
  const rows = new Map<string, HistogramRow>();
  values.forEach((v, i) => {
    if (v <= 0) return;
    const variant = variantOf(i);
    const key = `${variant}|${bucketOf(v)}`;
    const r = rows.get(key) ?? { variant, day: '2026-11-01', bucket: bucketOf(v), n: 0, sum: 0, sum2: 0 };
    r.n++, (r.sum += v), (r.sum2 += v * v);
    rows.set(key, r);
  });
  return [...rows.values()];
}

describe('the winsorization cap', () => {
  it('is the histogram edge at or just below numpy’s percentile of the buyers’ revenue', () => {
    for (const f of fixtures.cases) {
      const cap = winsorizationCap(histogram(f.values), f.percentile);
      if (f.values.length < MIN_BUYERS_FOR_CAP) {
        expect(cap).toBe(Infinity);
        continue;
      }
      // numpy interpolates from the order statistic at or below the percentile; the cap is the
      // lower edge of that value's bucket, so never above numpy's percentile
      const sorted = [...f.values].sort((a, b) => a - b);
      const lower = sorted[Math.floor((f.percentile / 100) * (sorted.length - 1))];
      expect(cap).toBe(edgeOf(bucketOf(lower)));
      expect(cap).toBeLessThanOrEqual(f.quantile);
    }
  });

  it('ignores non-buyers, so a low conversion rate does not cap the median order', () => {
    const buyers = fixtures.cases[0].values;
    const withZeros = [...buyers, ...Array(20_000).fill(0)];
    expect(winsorizationCap(histogram(withZeros), 99)).toBe(winsorizationCap(histogram(buyers), 99));
  });

  it('gives winsorized sums equal to capping each raw value, per arm', () => {
    const values = fixtures.cases[2].values;
    const variantOf = (i: number) => (i % 3 ? 'a' : 'holdout');
    const rows = histogram(values, variantOf);
    const cap = winsorizationCap(rows, 95);
    for (const variant of ['a', 'holdout']) {
      const mine = values.filter((_, i) => variantOf(i) === variant).map((v) => Math.min(v, cap));
      const got = winsorizedSums(rows, variant, cap);
      expect(got.sum).toBeCloseTo(mine.reduce((s, v) => s + v, 0), 6);
      expect(got.sum2 / mine.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
    }
    expect(edgeOf(bucketOf(777))).toBeLessThanOrEqual(777);
    expect(edgeOf(bucketOf(777) + 1)).toBeGreaterThan(777);
  });
});
