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
 * interval for the relative lift. Null when the difference has no variance (nothing to test).
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
    relativeCi: relative && relative.variance > 0 ? interval(relative, critical) : null,
  };
}
