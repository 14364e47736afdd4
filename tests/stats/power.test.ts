import { describe, expect, it } from 'vitest';
import { daysStillNeeded, sampleSizePerArm } from '../../worker/src/reports/stats/power';
import fixtures from './fixtures/power.json';
import { expectClose } from './helpers';

describe('sample size and days still needed', () => {
  it('sample size per arm matches (z₁₋α/₂ + z_power)²(s_C² + s_T²)/δ² computed with scipy', () => {
    for (const f of fixtures.sample_sizes) expect(sampleSizePerArm(f.variance_control, f.variance_treatment, f.mde, f.alpha, f.power)).toBe(f.n);
  });

  it("agrees with Lehr's rule of thumb n ≈ 16 σ²/δ² per arm (α = 0.05, power 0.8)", () => {
    // 2 (1.95996 + 0.84162)² = 15.70
    expectClose(sampleSizePerArm(1, 1, 0.1), 1570, 0, 1, 'n for δ = 0.1σ');
  });

  it('days still needed match the root found by scipy.optimize.brentq', () => {
    for (const f of fixtures.days) {
      const r = daysStillNeeded({ ...f, mdeType: f.mdeType as 'relative' | 'absolute', controlMean: f.controlMean ?? undefined });
      expect(r.reason).toBeNull();
      expectClose(r.days_exact, f.days_exact, 1e-9, 1e-9, 'days');
      expect(r.days).toBe(f.days);
      expectClose(r.mde_absolute, f.mde_absolute, 1e-15, 0, 'δ');
    }
  });

  it('equal arms reduce to the textbook sample size', () => {
    const n = sampleSizePerArm(0.03, 0.03, 0.003)!;
    const r = daysStillNeeded({
      control: { n: 0, variance: 0.03, dailyVisitors: 100 },
      treatment: { n: 0, variance: 0.03, dailyVisitors: 100 },
      mde: 0.003,
      mdeType: 'absolute',
    });
    expectClose(r.days_exact! * 100, n, 0, 1, 'visitors per arm');
  });

  it('is 0 once there is enough data, and null with a reason when it cannot be answered', () => {
    const arm = { n: 1e6, variance: 0.03, dailyVisitors: 1000 };
    expect(daysStillNeeded({ control: arm, treatment: arm, mde: 0.2, mdeType: 'relative', controlMean: 0.03 }).days).toBe(0);
    expect(daysStillNeeded({ control: arm, treatment: arm, mde: 0.2, mdeType: 'relative', controlMean: 0 }).reason).toMatch(/non-zero control mean/);
    expect(daysStillNeeded({ control: arm, treatment: arm, mde: 0, mdeType: 'absolute' }).days).toBeNull();
    const still = { n: 10, variance: 1, dailyVisitors: 0 };
    expect(daysStillNeeded({ control: still, treatment: still, mde: 0.01, mdeType: 'absolute' }).reason).toMatch(/not reachable/);
    const flat = { n: 10, variance: 0, dailyVisitors: 5 };
    expect(daysStillNeeded({ control: flat, treatment: flat, mde: 0.01, mdeType: 'absolute' }).reason).toMatch(/no variance/);
  });
});
