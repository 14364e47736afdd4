import { describe, expect, it } from 'vitest';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { ratioEstimate, ratioTest } from '../../worker/src/reports/stats/ratio';
import fixtures from './fixtures/ratio.json';
import { expectClose } from './helpers';

describe('ratio metrics by the delta method (AOV, CTR)', () => {
  it('R and Var(R) match the linearization u = (m − R d)/d̄ computed on the raw visitors', () => {
    for (const f of fixtures.cases) {
      const c = ratioEstimate(f.control)!;
      const t = ratioEstimate(f.treatment)!;
      expectClose(c.value, f.control_ratio, 1e-12, 0, 'R control');
      expectClose(c.variance, f.control_variance, 1e-8, 0, 'Var R control');
      expectClose(t.value, f.treatment_ratio, 1e-12, 0, 'R treatment');
      expectClose(t.variance, f.treatment_variance, 1e-8, 0, 'Var R treatment');
    }
  });

  it('the comparison matches: z, p, CI, relative CI', () => {
    for (const f of fixtures.cases) {
      const r = ratioTest(f.control, f.treatment, f.alpha)!;
      expectClose(r.statistic, f.z, 1e-8, 0, 'z');
      expectClose(r.pValue, f.p_value, 1e-7, 0, 'p');
      expectClose(r.ci.low, f.ci_low, 1e-8, 1e-12, 'ci_low');
      expectClose(r.ci.high, f.ci_high, 1e-8, 1e-12, 'ci_high');
      expectClose(r.relativeCi!.low, f.rel_ci_low, 1e-8, 1e-12, 'rel_ci_low');
      expectClose(r.relativeCi!.high, f.rel_ci_high, 1e-8, 1e-12, 'rel_ci_high');
      const c = compareArms(f.control, f.treatment, { metric: 'aov', kind: 'ratio', alpha: f.alpha });
      expect(c.test).toBe('delta_method_z');
      expectClose(c.ci_high, f.ci_high, 1e-8, 1e-12, 'compareArms ci_high');
    }
  });

  it('is wider than the naive "orders as independent samples" interval when orders cluster in visitors', () => {
    // 10 visitors with 10 orders of 100 each, 40 visitors with one order of 10, 50 who did not buy.
    const visitors = [...Array(10).fill([1000, 10]), ...Array(40).fill([10, 1]), ...Array(50).fill([0, 0])] as [number, number][];
    const sums = { n: visitors.length, sumM: 0, sumD: 0, sumM2: 0, sumD2: 0, sumMD: 0 };
    for (const [m, d] of visitors) {
      sums.sumM += m;
      sums.sumD += d;
      sums.sumM2 += m * m;
      sums.sumD2 += d * d;
      sums.sumMD += m * d;
    }
    const r = ratioEstimate(sums)!;
    expect(r.value).toBeCloseTo(10400 / 140, 12);
    const orders = [...Array(100).fill(100), ...Array(40).fill(10)];
    const mean = orders.reduce((a, b) => a + b, 0) / orders.length;
    const naiveVariance = orders.reduce((a, b) => a + (b - mean) ** 2, 0) / (orders.length - 1) / orders.length;
    expect(r.variance).toBeGreaterThan(2 * naiveVariance);
  });

  it('has no variance when every visitor has the same ratio', () => {
    const sums = { n: 100, sumM: 10 * 180, sumD: 10 * 6, sumM2: 10 * 180 * 180, sumD2: 10 * 36, sumMD: 10 * 180 * 6 };
    const r = ratioEstimate(sums)!;
    expect(r.value).toBe(30);
    expect(r.variance).toBeLessThan(1e-20);
  });

  it('has no value without a denominator', () => {
    expect(ratioEstimate({ n: 10, sumM: 0, sumD: 0, sumM2: 0, sumD2: 0, sumMD: 0 })).toBeNull();
  });
});
