import { describe, expect, it } from 'vitest';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { proportionSums } from '../../worker/src/reports/stats/moments';
import { pooledZTest, twoProportionTest } from '../../worker/src/reports/stats/proportions';
import fixtures from './fixtures/proportions.json';
import { expectClose } from './helpers';

describe('two-proportion z-test', () => {
  it("matches the scipy reference: pooled z and p, Newcombe's hybrid score CI from scipy's Wilson intervals, log-scale delta-method relative CI (scipy relative_risk, Katz)", () => {
    for (const f of fixtures.cases) {
      const label = `${f.control.conversions}/${f.control.visitors} vs ${f.treatment.conversions}/${f.treatment.visitors} α=${f.alpha}`;
      const r = twoProportionTest(f.control, f.treatment, f.alpha)!;
      expectClose(r.statistic, f.z, 1e-12, 0, `${label} z`);
      expectClose(r.pValue, f.p_value, 1e-10, 0, `${label} p`);
      expectClose(r.absolute.estimate, f.absolute, 1e-12, 1e-17, `${label} Δ`);
      expectClose(r.ci.low, f.ci_low, 1e-10, 1e-15, `${label} ci_low`);
      expectClose(r.ci.high, f.ci_high, 1e-10, 1e-15, `${label} ci_high`);
      expectClose(r.relative!.estimate, f.relative, 1e-12, 1e-15, `${label} relative`);
      expectClose(r.relativeCi!.low, f.rel_ci_low, 1e-10, 1e-14, `${label} rel_ci_low`);
      expectClose(r.relativeCi!.high, f.rel_ci_high, 1e-10, 1e-14, `${label} rel_ci_high`);
    }
  });

  it("its p-value equals Pearson's χ² test of the 2×2 table (scipy chi2_contingency, no continuity correction)", () => {
    for (const f of fixtures.cases) {
      const z = pooledZTest(f.control, f.treatment)!;
      expectClose(z.z * z.z, f.chi2, 1e-10, 0, 'z² = χ²');
      expectClose(z.pValue, f.p_value_chi2, 1e-9, 0, 'p from χ²');
    }
  });

  it('compareArms reports the same numbers for proportion sums', () => {
    for (const f of fixtures.cases) {
      const c = compareArms(proportionSums(f.control.visitors, f.control.conversions), proportionSums(f.treatment.visitors, f.treatment.conversions), {
        metric: 'conversion_rate',
        kind: 'proportion',
        alpha: f.alpha,
      });
      expect(c.test).toBe('two_proportion_z');
      expect(c.reason).toBeNull();
      expectClose(c.p_value, f.p_value, 1e-10, 0, 'p');
      expectClose(c.ci_low, f.ci_low, 1e-10, 1e-15, 'ci_low');
      expectClose(c.rel_ci_high, f.rel_ci_high, 1e-10, 1e-14, 'rel_ci_high');
      expectClose(c.control_value, f.control.conversions / f.control.visitors, 1e-15, 0, 'control rate');
    }
  });

  it('keeps an honest interval with few conversions, and none in one arm (the Wald interval would shrink to one arm)', () => {
    for (const f of fixtures.edge) {
      const label = `${f.control.conversions}/${f.control.visitors} vs ${f.treatment.conversions}/${f.treatment.visitors}`;
      const r = twoProportionTest(f.control, f.treatment, f.alpha)!;
      expectClose(r.pValue, f.p_value, 1e-10, 0, `${label} p`);
      expectClose(r.ci.low, f.ci_low, 1e-10, 1e-15, `${label} ci_low`);
      expectClose(r.ci.high, f.ci_high, 1e-10, 1e-15, `${label} ci_high`);
      // the interval and the test agree: 0 lies inside the interval exactly when p ≥ 0.05 here
      expect(r.ci.low <= 0 && r.ci.high >= 0).toBe(r.pValue >= 0.05);
    }
  });

  it('has no test when nobody (or everybody) converted', () => {
    expect(twoProportionTest({ visitors: 500, conversions: 0 }, { visitors: 500, conversions: 0 })).toBeNull();
    expect(twoProportionTest({ visitors: 500, conversions: 500 }, { visitors: 500, conversions: 500 })).toBeNull();
    expect(twoProportionTest({ visitors: 500, conversions: 501 }, { visitors: 500, conversions: 3 })).toBeNull();
  });
});
