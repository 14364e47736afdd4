// Conversion rates: the two-proportion z-test (pooled under H₀ for the p-value), with Newcombe's
// hybrid score interval for the difference.
import { normalSf } from './distributions';
import { type ArmEstimate, type Interval, type TestResult, criticalValue, waldTest } from './effect';

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

/** Wilson's score interval for one proportion c/n. */
export function wilsonInterval({ visitors: n, conversions }: Counts, z: number): Interval {
  const p = conversions / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval for p_T − p_C (Newcombe 1998, method 10), from each arm's
 * Wilson interval. Unlike the Wald interval p_T − p_C ± z·√(p_C(1−p_C)/n_C + p_T(1−p_T)/n_T), it
 * keeps its coverage with few conversions, and an arm with none does not shrink it to nothing.
 */
export function newcombeInterval(control: Counts, treatment: Counts, alpha = 0.05): Interval {
  const z = criticalValue({ kind: 'normal' }, alpha);
  const pc = control.conversions / control.visitors;
  const pt = treatment.conversions / treatment.visitors;
  const c = wilsonInterval(control, z);
  const t = wilsonInterval(treatment, z);
  const d = pt - pc;
  return { low: d - Math.hypot(pt - t.low, c.high - pc), high: d + Math.hypot(t.high - pt, pc - c.low) };
}

/**
 * Two-proportion z-test: the p-value from the pooled z, the CI of the difference by Newcombe's
 * hybrid score method, and the relative lift's interval on the log scale (effect.ts).
 */
export function twoProportionTest(control: Counts, treatment: Counts, alpha = 0.05): TestResult | null {
  const c = proportionEstimate(control);
  const t = proportionEstimate(treatment);
  const pooled = pooledZTest(control, treatment);
  if (!c || !t || !pooled) return null;
  const wald = waldTest(c, t, { kind: 'normal' }, alpha);
  if (!wald) return null;
  return { ...wald, statistic: pooled.z, pValue: pooled.pValue, ci: newcombeInterval(control, treatment, alpha) };
}
