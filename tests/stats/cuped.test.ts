import { describe, expect, it } from 'vitest';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { cupedAdjust, cupedTest, cupedTheta } from '../../worker/src/reports/stats/cuped';
import { welchTest } from '../../worker/src/reports/stats/means';
import fixtures from './fixtures/cuped.json';
import { expectClose } from './helpers';

describe('CUPED', () => {
  it('θ, the adjusted means and their variances match numpy on the raw visitors', () => {
    for (const f of fixtures.cases) {
      expectClose(cupedTheta(f.control, f.treatment), f.theta, 1e-9, 0, 'θ');
      const a = cupedAdjust(f.control, f.treatment)!;
      expectClose(a.control.value, f.control_adjusted, 1e-10, 0, 'control adjusted');
      expectClose(a.treatment.value, f.treatment_adjusted, 1e-10, 0, 'treatment adjusted');
      expectClose(a.control.variance, f.control_adjusted_variance, 1e-8, 0, 'control variance');
      expectClose(a.treatment.variance, f.treatment_adjusted_variance, 1e-8, 0, 'treatment variance');
      expectClose(a.varianceReduction, f.variance_reduction, 1e-7, 1e-12, 'variance reduction');
    }
  });

  it("equals scipy's Welch test on the adjusted per-visitor values (mean) or their z-test (proportion)", () => {
    for (const f of fixtures.cases) {
      const r = cupedTest(f.control, f.treatment, f.alpha, f.kind === 'mean' ? 't' : 'normal')!;
      expectClose(r.statistic, f.statistic, 1e-8, 0, 'statistic');
      if (f.df !== null) expectClose(r.reference.kind === 't' ? r.reference.df : NaN, f.df, 1e-8, 0, 'df');
      expectClose(r.pValue, f.p_value, 1e-7, 0, 'p');
      expectClose(r.ci.low, f.ci_low, 1e-8, 1e-12, 'ci_low');
      expectClose(r.ci.high, f.ci_high, 1e-8, 1e-12, 'ci_high');
      const c = compareArms(f.control, f.treatment, { metric: 'revenue_per_visitor', kind: f.kind as 'mean' | 'proportion', alpha: f.alpha });
      expect(c.test).toBe(f.kind === 'mean' ? 'cuped_welch_t' : 'cuped_z');
      expectClose(c.ci_high, f.ci_high, 1e-8, 1e-12, 'compareArms ci_high');
      expectClose(c.cuped_theta, f.theta, 1e-9, 0, 'compareArms θ');
      expectClose((c.treatment_value ?? NaN) - (c.control_value ?? NaN), c.absolute, 1e-12, 1e-15, 'absolute = treatment − control');
    }
  });

  it('shrinks the variance by about corr(y, x)² and narrows the interval', () => {
    for (const f of fixtures.cases) {
      expect(Math.abs(f.variance_reduction - f.correlation_squared)).toBeLessThan(0.05);
      const plain = welchTest(f.control, f.treatment, 0.05)!;
      const adjusted = cupedTest(f.control, f.treatment, 0.05)!;
      if (f.variance_reduction > 0.01) expect(adjusted.ci.high - adjusted.ci.low).toBeLessThan(plain.ci.high - plain.ci.low);
    }
  });

  it('falls back to no adjustment when the covariate does not vary (only new visitors)', () => {
    const arm = (n: number, sum: number, sumSquares: number) => ({ n, sum, sumSquares, covariate: { sum: 0, sumSquares: 0, sumProducts: 0 } });
    const c = arm(400, 1000, 9000);
    const t = arm(420, 1200, 10000);
    expect(cupedTheta(c, t)).toBe(0);
    const plain = welchTest(c, t)!;
    const adjusted = cupedTest(c, t)!;
    expect(adjusted.ci).toEqual(plain.ci);
    expect(adjusted.pValue).toBe(plain.pValue);
  });

  it('compareArms skips CUPED when asked to, or when one arm lacks the covariate', () => {
    const f = fixtures.cases[0];
    expect(compareArms(f.control, f.treatment, { metric: 'rpv', kind: 'mean', cuped: false }).test).toBe('welch_t');
    const { covariate: _drop, ...bare } = f.treatment;
    expect(compareArms(f.control, bare, { metric: 'rpv', kind: 'mean' }).test).toBe('welch_t');
  });
});
