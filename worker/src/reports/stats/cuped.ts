// CUPED (Deng, Xu, Kohavi & Walker 2013): subtract from each visitor's outcome y the part predicted by
// x, the same visitor's pre-exposure value. x is independent of the assignment, so the adjusted
// difference is unbiased, and its variance shrinks by the factor 1 − corr(y, x)².
import { type ArmEstimate, type TestResult, waldTest, welchSatterthwaiteDf } from './effect';
import { type CovariateSums, type MeanSums, sampleCovariance, sampleVariance } from './moments';

export interface CupedSums extends MeanSums {
  covariate: CovariateSums;
}

/**
 * θ = cov(y, x)/var(x) from both arms' sums pooled (as GrowthBook does), so both arms are adjusted
 * with one θ. 0 when x does not vary (nothing to adjust with, e.g. only new visitors).
 */
export function cupedTheta(control: CupedSums, treatment: CupedSums): number {
  const n = control.n + treatment.n;
  const sumY = control.sum + treatment.sum;
  const sumX = control.covariate.sum + treatment.covariate.sum;
  const varX = sampleCovariance(n, sumX, sumX, control.covariate.sumSquares + treatment.covariate.sumSquares);
  const covXY = sampleCovariance(n, sumY, sumX, control.covariate.sumProducts + treatment.covariate.sumProducts);
  return varX !== null && covXY !== null && varX > 0 ? covXY / varX : 0;
}

/**
 * One arm's adjusted mean ȳ − θ(x̄ − x̄_pooled), centred on the pooled x̄ so that it stays on the scale of y
 * and the relative lift keeps its meaning; variance (s_y² + θ² s_x² − 2θ s_xy)/n. Null below two visitors.
 */
export function cupedEstimate(arm: CupedSums, theta: number, pooledCovariateMean: number): ArmEstimate | null {
  const { n, covariate } = arm;
  const varY = sampleVariance(arm);
  const varX = sampleVariance({ n, sum: covariate.sum, sumSquares: covariate.sumSquares });
  const covXY = sampleCovariance(n, arm.sum, covariate.sum, covariate.sumProducts);
  if (varY === null || varX === null || covXY === null) return null;
  const variance = Math.max(0, varY + theta * theta * varX - 2 * theta * covXY) / n;
  return { value: arm.sum / n - theta * (covariate.sum / n - pooledCovariateMean), variance, n };
}

export interface CupedAdjustment {
  theta: number;
  control: ArmEstimate;
  treatment: ArmEstimate;
  /** 1 − Var(Δ_cuped)/Var(Δ_plain): the share of the difference's variance removed. */
  varianceReduction: number | null;
}

/** Both arms adjusted with the pooled θ. Null below two visitors in an arm. */
export function cupedAdjust(control: CupedSums, treatment: CupedSums): CupedAdjustment | null {
  if (!(control.n >= 2 && treatment.n >= 2)) return null;
  const theta = cupedTheta(control, treatment);
  const pooledX = (control.covariate.sum + treatment.covariate.sum) / (control.n + treatment.n);
  const c = cupedEstimate(control, theta, pooledX);
  const t = cupedEstimate(treatment, theta, pooledX);
  if (!c || !t) return null;
  const plain = sampleVariance(control)! / control.n + sampleVariance(treatment)! / treatment.n;
  const varianceReduction = plain > 0 ? 1 - (c.variance + t.variance) / plain : null;
  return { theta, control: c, treatment: t, varianceReduction };
}

/**
 * The CUPED-adjusted comparison: Δ = (ȳ_T − θx̄_T) − (ȳ_C − θx̄_C), Var = Σ_arms (s_y² + θ²s_x² − 2θs_xy)/n.
 * Referred to Student's t with Welch–Satterthwaite df on the adjusted variances for mean metrics
 * ('t'), or to the normal for proportions ('normal'). Null unless the outcome varies in both arms: the
 * adjusted variance of an arm without a buyer would come from its covariate alone.
 */
export function cupedTest(
  control: CupedSums,
  treatment: CupedSums,
  alpha = 0.05,
  reference: 't' | 'normal' = 't',
): (TestResult & { theta: number; varianceReduction: number | null }) | null {
  if (!((sampleVariance(control) ?? 0) > 0 && (sampleVariance(treatment) ?? 0) > 0)) return null;
  const adjusted = cupedAdjust(control, treatment);
  if (!adjusted) return null;
  const { control: c, treatment: t, theta, varianceReduction } = adjusted;
  const result = waldTest(c, t, reference === 't' ? { kind: 't', df: welchSatterthwaiteDf(c, t) } : { kind: 'normal' }, alpha);
  return result && { ...result, theta, varianceReduction };
}
