// Conversion rates: the two-proportion z-test (pooled under H₀ for the p-value, unpooled for the interval).
import { normalSf } from './distributions';
import { type ArmEstimate, type TestResult, waldTest } from './effect';

export interface Counts {
  visitors: number;
  conversions: number;
}

/** p = c/n with the variance of the estimate p(1 − p)/n; null without visitors or with c outside [0, n]. */
export function proportionEstimate({ visitors, conversions }: Counts): ArmEstimate | null {
  if (!(visitors >= 1) || !(conversions >= 0) || conversions > visitors) return null;
  const p = conversions / visitors;
  return { value: p, variance: (p * (1 - p)) / visitors, n: visitors };
}

/**
 * The pooled z statistic: p̄ = (c_C + c_T)/(n_C + n_T), z = (p_T − p_C)/√(p̄(1 − p̄)(1/n_C + 1/n_T)),
 * two-sided p = 2(1 − Φ(|z|)). Null when p̄ is 0 or 1.
 */
export function pooledZTest(control: Counts, treatment: Counts): { z: number; pValue: number } | null {
  const c = proportionEstimate(control);
  const t = proportionEstimate(treatment);
  if (!c || !t) return null;
  const pooled = (control.conversions + treatment.conversions) / (control.visitors + treatment.visitors);
  const variance = pooled * (1 - pooled) * (1 / control.visitors + 1 / treatment.visitors);
  if (!(variance > 0)) return null;
  const z = (t.value - c.value) / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/**
 * Two-proportion z-test: the p-value from the pooled z, the CI of the difference from the unpooled
 * SE √(p_C(1−p_C)/n_C + p_T(1−p_T)/n_T), and the relative lift by the delta method.
 */
export function twoProportionTest(control: Counts, treatment: Counts, alpha = 0.05): TestResult | null {
  const c = proportionEstimate(control);
  const t = proportionEstimate(treatment);
  const pooled = pooledZTest(control, treatment);
  if (!c || !t || !pooled) return null;
  const wald = waldTest(c, t, { kind: 'normal' }, alpha);
  if (!wald) return null;
  return { ...wald, statistic: pooled.z, pValue: pooled.pValue };
}
