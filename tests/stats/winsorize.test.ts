import { describe, expect, it } from 'vitest';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { capped, cappedDelta, quantile, winsorCap } from '../../worker/src/reports/stats/winsorize';
import fixtures from './fixtures/winsorize.json';
import { expectClose } from './helpers';

describe('winsorization cap', () => {
  it('the percentile matches numpy.percentile (linear interpolation), and the cap rounds it up to a whole minor unit', () => {
    for (const f of fixtures.cases) {
      expectClose(quantile(f.values, f.percentile / 100), f.quantile, 1e-12, 0, `p${f.percentile}`);
      expect(winsorCap(f.values, { percentile: f.percentile })).toBe(f.cap);
    }
  });

  it('ignores non-buyers by default and needs enough values', () => {
    const buyers = Array.from({ length: 40 }, (_, i) => 1000 + i * 100);
    const withZeros = [...buyers, ...Array(2000).fill(0)];
    expect(winsorCap(withZeros, { percentile: 90 })).toBe(winsorCap(buyers, { percentile: 90 }));
    expect(winsorCap(withZeros, { percentile: 90, ignoreZeros: false })).toBe(0);
    expect(winsorCap(buyers.slice(0, 10))).toBeNull();
    expect(winsorCap(buyers, { percentile: 0 })).toBeNull();
  });

  it('rollup updates with cappedDelta add up to the capped sums, whatever order the revenue arrives in', () => {
    const cap = 5000;
    // one visitor's window revenue grows with three late orders; another's order is refunded
    const steps: [number, number][] = [[0, 1200], [1200, 4800], [4800, 9100], [0, 300], [300, 0]];
    let sum = 0;
    let sumSquares = 0;
    for (const [before, after] of steps) {
      const d = cappedDelta(before, after, cap);
      sum += d.sum;
      sumSquares += d.sumSquares;
    }
    expect(sum).toBe(capped(9100, cap) + capped(0, cap));
    expect(sumSquares).toBe(5000 * 5000);
  });

  it('a whale order moves the uncapped comparison but not the capped one', () => {
    const base = Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? 4000 + (i % 7) * 100 : 0));
    const whale = [...base.slice(1), 900000];
    const sums = (ys: number[]) => ({ n: ys.length, sum: ys.reduce((a, b) => a + b, 0), sumSquares: ys.reduce((a, b) => a + b * b, 0) });
    const cap = winsorCap([...base, ...whale], { percentile: 95 })!;
    const raw = compareArms(sums(base), sums(whale), { metric: 'rpv', kind: 'mean' });
    const capped95 = compareArms(sums(base.map((y) => capped(y, cap))), sums(whale.map((y) => capped(y, cap))), { metric: 'rpv', kind: 'mean' });
    expect(Math.abs(raw.relative!)).toBeGreaterThan(1);
    expect(Math.abs(capped95.relative!)).toBeLessThan(0.2);
    expect(capped95.ci_high! - capped95.ci_low!).toBeLessThan((raw.ci_high! - raw.ci_low!) / 10);
  });
});
