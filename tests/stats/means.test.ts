import { describe, expect, it } from 'vitest';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { meanEstimate, welchTest } from '../../worker/src/reports/stats/means';
import { sampleVariance } from '../../worker/src/reports/stats/moments';
import fixtures from './fixtures/means.json';
import { expectClose } from './helpers';

describe("Welch's t-test from n, Σy, Σy²", () => {
  it('matches scipy.stats.ttest_ind(equal_var=False) on the raw data: t, df, p and CI', () => {
    for (const f of fixtures.cases) {
      const label = `n ${f.control.n}/${f.treatment.n} α=${f.alpha}`;
      expectClose(sampleVariance(f.control), f.control_variance, 1e-9, 0, `${label} s²`);
      const r = welchTest(f.control, f.treatment, f.alpha)!;
      expect(r.reference.kind).toBe('t');
      expectClose(r.statistic, f.t, 1e-9, 0, `${label} t`);
      expectClose(r.reference.kind === 't' ? r.reference.df : NaN, f.df, 1e-9, 0, `${label} df`);
      expectClose(r.pValue, f.p_value, 1e-8, 0, `${label} p`);
      expectClose(r.absolute.estimate, f.absolute, 1e-10, 1e-12, `${label} Δ`);
      expectClose(r.ci.low, f.ci_low, 1e-9, 1e-12, `${label} ci_low`);
      expectClose(r.ci.high, f.ci_high, 1e-9, 1e-12, `${label} ci_high`);
      expectClose(r.relative!.estimate, f.relative, 1e-10, 1e-12, `${label} relative`);
      expectClose(r.relativeCi!.low, f.rel_ci_low, 1e-9, 1e-12, `${label} rel_ci_low`);
      expectClose(r.relativeCi!.high, f.rel_ci_high, 1e-9, 1e-12, `${label} rel_ci_high`);
    }
  });

  it('compareArms gives the same CI and p-value for revenue per visitor', () => {
    for (const f of fixtures.cases) {
      const c = compareArms(f.control, f.treatment, { metric: 'revenue_per_visitor', kind: 'mean', alpha: f.alpha });
      expect(c.test).toBe('welch_t');
      expectClose(c.p_value, f.p_value, 1e-8, 0, 'p');
      expectClose(c.ci_low, f.ci_low, 1e-9, 1e-12, 'ci_low');
      expectClose(c.ci_high, f.ci_high, 1e-9, 1e-12, 'ci_high');
      expectClose(c.df, f.df, 1e-9, 0, 'df');
      expectClose(c.treatment_value, f.treatment_mean, 1e-12, 0, 'treatment mean');
    }
  });

  it('reproduces the published car-mileage example (NIST/SEMATECH e-Handbook data; Boost.Math two-sample t example)', () => {
    // US cars: n 249, mean 20.14458, sd 6.41470; Japanese cars: n 79, mean 30.48101, sd 6.10771.
    // Published unequal-variance result: T = -12.946, df = 136.87, p < 1e-20.
    const arm = (n: number, mean: number, sd: number) => ({ n, sum: n * mean, sumSquares: (n - 1) * sd * sd + n * mean * mean });
    const r = welchTest(arm(249, 20.14458, 6.4147), arm(79, 30.48101, 6.10771))!; // Japanese − US
    expectClose(r.statistic, 12.946, 0, 5e-4, 'T');
    expectClose(r.reference.kind === 't' ? r.reference.df : NaN, 136.87, 0, 5e-3, 'df');
    expect(r.pValue).toBeLessThan(1e-20);
  });

  it('needs two visitors per arm', () => {
    expect(meanEstimate({ n: 1, sum: 5, sumSquares: 25 })).toBeNull();
    expect(welchTest({ n: 1, sum: 5, sumSquares: 25 }, { n: 10, sum: 50, sumSquares: 300 })).toBeNull();
  });
});
