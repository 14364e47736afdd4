import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../worker/src/reports/stats/distributions';
import { sequentialHalfWidth, sequentialInterval, sequentialPValue, sequentialRho2 } from '../../worker/src/reports/stats/sequential';
import fixtures from './fixtures/sequential.json';
import { expectClose } from './helpers';

describe('always-valid intervals (asymptotic confidence sequences)', () => {
  it('ρ², the half-width and the always-valid p-value match the reference', () => {
    for (const f of fixtures.cases) {
      expectClose(sequentialRho2(f.alpha, f.planned), f.rho2, 1e-14, 0, 'ρ²');
      expectClose(sequentialHalfWidth(f.variance, f.n, f.alpha, f.planned), f.half_width, 1e-12, 0, 'half-width');
      expectClose(sequentialPValue({ estimate: f.estimate, variance: f.variance }, f.n, f.alpha, f.planned), f.p_value, 1e-9, 1e-15, 'p');
    }
  });

  it('is always wider than the fixed-horizon interval', () => {
    for (const alpha of [0.01, 0.05, 0.1])
      for (const n of [2, 10, 100, 1000, 5000, 20000, 1e6])
        for (const planned of [500, 5000, 50000]) {
          const variance = 1 / n;
          const fixed = normalQuantile(1 - alpha / 2) * Math.sqrt(variance);
          expect(sequentialHalfWidth(variance, n, alpha, planned)!).toBeGreaterThan(fixed);
        }
  });

  it('the p-value is below α exactly when the sequence excludes 0', () => {
    for (const alpha of [0.01, 0.05, 0.1])
      for (const estimate of [-0.3, -0.05, 0, 0.01, 0.02, 0.04, 0.2])
        for (const n of [100, 2000, 50000]) {
          const effect = { estimate, variance: 1 / n };
          const ci = sequentialInterval(effect, n, alpha)!;
          const p = sequentialPValue(effect, n, alpha)!;
          expect(p < alpha).toBe(ci.low > 0 || ci.high < 0);
        }
  });

  it('is tightest relative to the fixed interval near the planned size', () => {
    const ratio = (n: number) => sequentialHalfWidth(1 / n, n, 0.05, 5000)! / (1.959963984540054 / Math.sqrt(n));
    expect(ratio(5000)).toBeLessThan(ratio(50));
    expect(ratio(5000)).toBeLessThan(ratio(500000));
  });

  it('rejects invalid input with null', () => {
    expect(sequentialHalfWidth(1, 0)).toBeNull();
    expect(sequentialHalfWidth(-1, 10)).toBeNull();
    expect(sequentialHalfWidth(1, 10, 1.5)).toBeNull();
    expect(sequentialPValue({ estimate: 1, variance: 0 }, 10)).toBeNull();
  });
});
