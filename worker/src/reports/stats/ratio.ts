// Ratio metrics whose unit of analysis is not the visitor (AOV = revenue/orders, CTR = clicks/impressions).
// Orders and impressions of one visitor are correlated, so they are never treated as independent samples:
// the ratio of two per-visitor means gets its variance from the delta method.
import { type ArmEstimate, type TestResult, bothVary, waldTest } from './effect';
import { type RatioSums, sampleCovariance } from './moments';

/**
 * R = Σm/Σd with Var(R) = (s_m² − 2R s_md + R² s_d²)/(n μ_d²), μ_d = Σd/n (delta method).
 * Null below two visitors, when Σd = 0, or beyond double range.
 */
export function ratioEstimate(sums: RatioSums): ArmEstimate | null {
  const { n, sumM, sumD, sumM2, sumD2, sumMD } = sums;
  if (!(n >= 2) || sumD === 0) return null;
  const ratio = sumM / sumD;
  const meanD = sumD / n;
  const varM = sampleCovariance(n, sumM, sumM, sumM2);
  const varD = sampleCovariance(n, sumD, sumD, sumD2);
  const covMD = sampleCovariance(n, sumM, sumD, sumMD);
  if (varM === null || varD === null || covMD === null) return null;
  // When every visitor has the same ratio (a single buyer, say) the terms cancel to rounding noise: no variance.
  const linearized = varM - 2 * ratio * covMD + ratio * ratio * varD;
  const variance = linearized > 1e-12 * (varM + ratio * ratio * varD) ? linearized / (n * meanD * meanD) : 0;
  return { value: ratio, variance, n };
}

/** Difference of two ratios, normal reference; the relative lift by the delta method. Null unless both arms vary. */
export function ratioTest(control: RatioSums, treatment: RatioSums, alpha = 0.05): TestResult | null {
  const c = ratioEstimate(control);
  const t = ratioEstimate(treatment);
  if (!c || !t || !bothVary(c, t)) return null;
  return waldTest(c, t, { kind: 'normal' }, alpha);
}
