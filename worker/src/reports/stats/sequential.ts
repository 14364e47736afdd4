// Always-valid intervals for marketers who look every day: the asymptotic confidence sequence of
// Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas ("Time-uniform central limit theory and asymptotic
// confidence sequences", Annals of Statistics 2024), with the mixing parameter ρ tuned so the
// sequence is tightest near a planned sample size, as GrowthBook does.
import type { Effect, Interval } from './effect';

export const DEFAULT_PLANNED_SIZE = 5000;

/** ρ² = (−2 ln α + ln(1 − 2 ln α)) / S for a planned total size S (the paper's two-sided tuning). */
export function sequentialRho2(alpha: number, plannedSize = DEFAULT_PLANNED_SIZE): number {
  const logAlpha = Math.log(alpha);
  return (-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / plannedSize;
}

/**
 * Half-width of the confidence sequence after N visitors (both arms), for an estimate whose variance
 * is V: with σ² = N·V (the variance of one observation's contribution),
 * half-width = σ·√( 2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α) ).
 * Null for invalid inputs (N < 1, V < 0, α outside (0, 1), S ≤ 0).
 */
export function sequentialHalfWidth(
  varianceOfEstimate: number,
  totalN: number,
  alpha = 0.05,
  plannedSize = DEFAULT_PLANNED_SIZE,
): number | null {
  if (!(totalN >= 1 && varianceOfEstimate >= 0 && alpha > 0 && alpha < 1 && plannedSize > 0)) return null;
  const rho2 = sequentialRho2(alpha, plannedSize);
  const sigma2 = totalN * varianceOfEstimate;
  const nRho2 = totalN * rho2;
  const width = Math.sqrt(sigma2 * ((2 * (nRho2 + 1)) / (totalN * totalN * rho2)) * Math.log(Math.sqrt(nRho2 + 1) / alpha));
  return Number.isFinite(width) ? width : null;
}

/** estimate ± the sequence's half-width. */
export function sequentialInterval(
  effect: Effect,
  totalN: number,
  alpha = 0.05,
  plannedSize = DEFAULT_PLANNED_SIZE,
): Interval | null {
  const half = sequentialHalfWidth(effect.variance, totalN, alpha, plannedSize);
  return half === null ? null : { low: effect.estimate - half, high: effect.estimate + half };
}

/**
 * The always-valid p-value that matches the sequence: the smallest α′ whose sequence (same ρ, tuned at
 * α) excludes 0, α′ = √(Nρ² + 1)·exp(−Δ² N²ρ² / (2σ²(Nρ² + 1))), capped at 1. So p < α exactly when
 * the α-level sequence excludes 0, and the p-values can go into Benjamini–Hochberg like any other.
 */
export function sequentialPValue(
  effect: Effect,
  totalN: number,
  alpha = 0.05,
  plannedSize = DEFAULT_PLANNED_SIZE,
): number | null {
  if (!(totalN >= 1 && effect.variance > 0 && alpha > 0 && alpha < 1 && plannedSize > 0)) return null;
  const rho2 = sequentialRho2(alpha, plannedSize);
  const sigma2 = totalN * effect.variance;
  const nRho2 = totalN * rho2;
  const exponent = -(effect.estimate * effect.estimate * totalN * totalN * rho2) / (2 * sigma2 * (nRho2 + 1));
  const p = Math.sqrt(nRho2 + 1) * Math.exp(exponent);
  return Number.isFinite(p) ? Math.min(1, p) : null;
}
