// Sample-ratio mismatch: Pearson's χ² goodness-of-fit of the observed arm sizes to the configured split.
// A broken split (assignment bugs, bots, redirects that lose one arm) biases every other number.
import { chiSquareSf } from './distributions';

export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  chi2: number | null;
  df: number;
  p_value: number | null;
  flagged: boolean;
  reason: string | null;
}

/**
 * χ² = Σ (O_k − N w_k)²/(N w_k), df = K − 1, flagged when p < threshold (0.001 by default).
 * Weights need not sum to 1; they are normalised. Invalid input yields nulls and a reason.
 */
export function srmTest(observed: readonly number[], weights: readonly number[], threshold = SRM_THRESHOLD): SrmResult {
  const df = observed.length - 1;
  const fail = (reason: string): SrmResult => ({ chi2: null, df: Math.max(0, df), p_value: null, flagged: false, reason });
  if (observed.length < 2 || observed.length !== weights.length) return fail('need two or more arms with one weight each');
  if (observed.some((o) => !(Number.isFinite(o) && o >= 0))) return fail('arm sizes must be non-negative numbers');
  if (weights.some((w) => !(Number.isFinite(w) && w > 0))) return fail('weights must be positive numbers');
  const total = observed.reduce((a, b) => a + b, 0);
  if (total === 0) return fail('no visitors');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let chi2 = 0;
  for (let k = 0; k < observed.length; k++) {
    const expected = (total * weights[k]) / weightSum;
    chi2 += ((observed[k] - expected) * (observed[k] - expected)) / expected;
  }
  const p = chiSquareSf(chi2, df);
  return { chi2, df, p_value: p, flagged: p < threshold, reason: null };
}
