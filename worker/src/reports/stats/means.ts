// Mean metrics per visitor (revenue per visitor): Welch's unequal-variance t-test.
import { type ArmEstimate, type TestResult, bothVary, waldTest, welchSatterthwaiteDf } from './effect';
import { type MeanSums, sampleVariance } from './moments';

/** ȳ with the variance of the mean s²/n; null below two visitors. */
export function meanEstimate(sums: MeanSums): ArmEstimate | null {
  const variance = sampleVariance(sums);
  if (variance === null) return null;
  return { value: sums.sum / sums.n, variance: variance / sums.n, n: sums.n };
}

/**
 * Welch's t: Δ = ȳ_T − ȳ_C, SE² = s_C²/n_C + s_T²/n_T, ν by Welch–Satterthwaite,
 * CI = Δ ± t₁₋α/₂,ν·SE; the relative lift's interval uses the same t quantile. Null unless both arms vary.
 */
export function welchTest(control: MeanSums, treatment: MeanSums, alpha = 0.05): TestResult | null {
  const c = meanEstimate(control);
  const t = meanEstimate(treatment);
  if (!c || !t || !bothVary(c, t)) return null;
  return waldTest(c, t, { kind: 't', df: welchSatterthwaiteDf(c, t) }, alpha);
}
