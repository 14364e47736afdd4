// What every test shares: an arm's estimate with its sampling variance, the absolute and relative
// effect (the latter by the delta method), and a normal or Student-t reference distribution.
import { normalQuantile, normalSf, studentTQuantile, studentTSf } from './distributions';

/** An arm's point estimate and the variance of that estimate (s²/n for a mean, not s²). */
export interface ArmEstimate {
  value: number;
  variance: number;
  n: number;
}

/** An effect and the variance of its estimate. */
export interface Effect {
  estimate: number;
  variance: number;
}

/** The distribution a test statistic is referred to: the normal, or Student's t with df degrees of freedom. */
export type Reference = { kind: 'normal' } | { kind: 't'; df: number };

export interface Interval {
  low: number;
  high: number;
}

/**
 * Whether both arms have a variance. An arm whose values are all alike (no buyer, a single order, all
 * converted) has none, and a Wald interval would take its value as exact: a holdout of 100 visitors
 * without a buyer against 20 buyers in 900 gave revenue per visitor p = 7e-5, where permuting the
 * visitors gives 0.22.
 */
export function bothVary(control: ArmEstimate, treatment: ArmEstimate): boolean {
  return control.variance > 0 && treatment.variance > 0;
}

/** Δ = treatment − control; the arms are independent, so the variances add. */
export function absoluteEffect(control: ArmEstimate, treatment: ArmEstimate): Effect {
  return { estimate: treatment.value - control.value, variance: treatment.variance + control.variance };
}

/**
 * Relative lift Δr = μ_T/μ_C − 1 by the delta method (first-order Taylor expansion of the ratio):
 * Var ≈ Var(μ̂_T)/μ_C² + μ_T² Var(μ̂_C)/μ_C⁴. Null when the control value is 0.
 */
export function relativeEffect(control: ArmEstimate, treatment: ArmEstimate): Effect | null {
  const c = control.value;
  if (c === 0) return null;
  return {
    estimate: treatment.value / c - 1,
    variance: treatment.variance / (c * c) + (treatment.value * treatment.value * control.variance) / (c * c * c * c),
  };
}

/**
 * log(μ_T/μ_C) by the delta method: Var ≈ Var(μ̂_T)/μ_T² + Var(μ̂_C)/μ_C². Null unless both means are
 * positive. The ratio of two means is skewed to the right at the sizes campaigns run at; its logarithm
 * is close to normal, so the relative lift's interval is built on this scale.
 */
export function logRatioEffect(control: ArmEstimate, treatment: ArmEstimate): Effect | null {
  const c = control.value;
  const t = treatment.value;
  if (!(c > 0 && t > 0)) return null;
  return { estimate: Math.log(t / c), variance: treatment.variance / (t * t) + control.variance / (c * c) };
}

/**
 * The relative lift's interval: exp(log(μ_T/μ_C) ± critical·SE_log) − 1 when both means are positive
 * (the log-scale delta method, as for a risk ratio: Katz et al. 1978), else the linear delta-method
 * interval. A symmetric interval around μ_T/μ_C − 1 misses mostly on one side: in the calibration
 * simulation (16 % conversion, 200 visitors per arm) 4.7 % of its intervals lay below the true lift and
 * 0.4 % above; on the log scale 2.2 % and 2.1 %. `widen` turns an interval of the log-ratio or of the
 * relative lift into one of the same (1 − α) meaning (e.g. the always-valid one). Null unless both arms
 * vary (bothVary).
 */
export function relativeInterval(control: ArmEstimate, treatment: ArmEstimate, widen: (effect: Effect) => Interval | null): Interval | null {
  if (!bothVary(control, treatment)) return null;
  const log = logRatioEffect(control, treatment);
  if (log && log.variance > 0) {
    const i = widen(log);
    return i && { low: Math.expm1(i.low), high: Math.expm1(i.high) };
  }
  const relative = relativeEffect(control, treatment);
  return relative && relative.variance > 0 ? widen(relative) : null;
}

/** The two-sided critical value: z₁₋α/₂ or t₁₋α/₂,ν. */
export function criticalValue(reference: Reference, alpha: number): number {
  return reference.kind === 'normal' ? normalQuantile(1 - alpha / 2) : studentTQuantile(1 - alpha / 2, reference.df);
}

/** Two-sided p-value 2·P(X > |statistic|). */
export function twoSidedPValue(reference: Reference, statistic: number): number {
  const tail = reference.kind === 'normal' ? normalSf(Math.abs(statistic)) : studentTSf(Math.abs(statistic), reference.df);
  return Math.min(1, 2 * tail);
}

/** estimate ± critical · √variance. */
export function interval(effect: Effect, critical: number): Interval {
  const half = critical * Math.sqrt(effect.variance);
  return { low: effect.estimate - half, high: effect.estimate + half };
}

/** Welch–Satterthwaite degrees of freedom for the sum of two variances of means v = s²/n. */
export function welchSatterthwaiteDf(control: ArmEstimate, treatment: ArmEstimate): number {
  const total = control.variance + treatment.variance;
  const denominator =
    (control.variance * control.variance) / (control.n - 1) + (treatment.variance * treatment.variance) / (treatment.n - 1);
  return (total * total) / denominator;
}

/** A two-arm comparison: effects, the test statistic and its p-value, and both intervals. */
export interface TestResult {
  control: ArmEstimate;
  treatment: ArmEstimate;
  reference: Reference;
  absolute: Effect;
  relative: Effect | null;
  statistic: number;
  pValue: number;
  ci: Interval;
  relativeCi: Interval | null;
}

/**
 * The Wald test of Δ = 0: statistic Δ/SE against the reference, CI = Δ ± critical·SE, and the delta-method
 * interval for the relative lift (on the log scale, see relativeInterval). Null when the difference has no variance (nothing to test).
 */
export function waldTest(control: ArmEstimate, treatment: ArmEstimate, reference: Reference, alpha: number): TestResult | null {
  const absolute = absoluteEffect(control, treatment);
  if (!(absolute.variance > 0)) return null;
  const critical = criticalValue(reference, alpha);
  const statistic = absolute.estimate / Math.sqrt(absolute.variance);
  const relative = relativeEffect(control, treatment);
  return {
    control,
    treatment,
    reference,
    absolute,
    relative,
    statistic,
    pValue: twoSidedPValue(reference, statistic),
    ci: interval(absolute, critical),
    relativeCi: relative ? relativeInterval(control, treatment, (effect) => interval(effect, critical)) : null,
  };
}
