import { describe, expect, it } from 'vitest';
import { armSummary } from '../../worker/src/reports/stats/arm-summary';
import { allFinite, expectClose } from './helpers';

describe('per-arm summary', () => {
  it('computes rates, means and ratio metrics with their standard errors', () => {
    // 4 visitors: revenue 0, 30, 0, 50 from 0, 1, 0, 2 orders; clicks 1, 2, 0, 1 of impressions 4, 4, 2, 2
    const s = armSummary({
      visitors: 4,
      conversions: 2,
      revenue: { n: 4, sum: 80, sumSquares: 900 + 2500 },
      orders: { n: 4, sumM: 80, sumD: 3, sumM2: 3400, sumD2: 5, sumMD: 130 },
      clicks: { n: 4, sumM: 4, sumD: 12, sumM2: 6, sumD2: 40, sumMD: 4 + 8 + 2 },
    });
    expect(s.conversion_rate).toBe(0.5);
    expectClose(s.conversion_rate_se, Math.sqrt(0.25 / 4), 1e-15, 0, 'se of rate');
    expect(s.revenue_per_visitor).toBe(20);
    // s² = (3400 − 80²/4)/3 = 600, se = √(600/4)
    expectClose(s.revenue_per_visitor_se, Math.sqrt(150), 1e-14, 0, 'se of RPV');
    expectClose(s.aov, 80 / 3, 1e-15, 0, 'AOV');
    expectClose(s.ctr, 1 / 3, 1e-15, 0, 'CTR');
    expect(s.aov_se).toBeGreaterThan(0);
    expect(s.orders).toBe(3);
    expect(s.impressions).toBe(12);
  });

  it('gives nulls for an empty arm, never NaN', () => {
    const s = armSummary({ visitors: 0, conversions: 0, orders: { n: 0, sumM: 0, sumD: 0, sumM2: 0, sumD2: 0, sumMD: 0 } });
    expect(s.conversion_rate).toBeNull();
    expect(s.aov).toBeNull();
    expect(allFinite(s)).toBe(true);
  });
});
