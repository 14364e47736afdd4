// Optional Bayesian read-out: with a flat prior and the normal approximation, the posterior of the
// effect is N(estimate, variance), and the chance that the treatment beats the control is P(effect > 0).
import { normalCdf } from './distributions';
import type { Effect } from './effect';

/** P(effect > 0) = 1 − Φ(−m/√V) = Φ(m/√V); null without variance. */
export function chanceToWin(effect: Effect): number | null {
  if (!(effect.variance > 0) || !Number.isFinite(effect.estimate)) return null;
  return normalCdf(effect.estimate / Math.sqrt(effect.variance));
}
