// Per-arm sufficient statistics as the rollups keep them, and the moments computed from them.
// The randomization unit is the visitor: every sum runs over exposed visitors, one term each.

/** For a per-visitor value y (revenue, converted 0/1, …): n, Σy, Σy². */
export interface MeanSums {
  n: number;
  sum: number;
  sumSquares: number;
}

/** The pre-exposure covariate x of the same visitors, for CUPED: Σx, Σx², Σxy. */
export interface CovariateSums {
  sum: number;
  sumSquares: number;
  sumProducts: number;
}

/** Mean sums with an optional CUPED covariate. */
export interface MetricSums extends MeanSums {
  covariate?: CovariateSums;
}

/** A ratio metric Σm / Σd over visitors (AOV: revenue / orders; CTR: clicks / impressions). */
export interface RatioSums {
  n: number;
  sumM: number;
  sumD: number;
  sumM2: number;
  sumD2: number;
  sumMD: number;
}

/** A 0/1 outcome as mean sums: Σy = Σy² = conversions. */
export function proportionSums(visitors: number, conversions: number): MeanSums {
  return { n: visitors, sum: conversions, sumSquares: conversions };
}

/** ȳ = Σy / n, or null without visitors. */
export function mean(s: MeanSums): number | null {
  return s.n >= 1 ? s.sum / s.n : null;
}

/** Sample covariance (ΣAB − ΣA ΣB / n) / (n − 1); null below two visitors or beyond double range. */
export function sampleCovariance(n: number, sumA: number, sumB: number, sumAB: number): number | null {
  if (!(n >= 2)) return null;
  const covariance = (sumAB - (sumA * sumB) / n) / (n - 1);
  return Number.isFinite(covariance) ? covariance : null;
}

/** Sample variance s² = (Σy² − (Σy)²/n) / (n − 1), floored at 0 against rounding; null below two visitors. */
export function sampleVariance(s: MeanSums): number | null {
  const v = sampleCovariance(s.n, s.sum, s.sum, s.sumSquares);
  return v === null ? null : Math.max(0, v);
}

/** Whether every listed field is a finite number, and n (when listed) a whole count. */
export function validSums(s: unknown, fields: readonly string[]): boolean {
  if (!s || typeof s !== 'object') return false;
  const record = s as Record<string, unknown>;
  for (const f of fields) {
    const v = record[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (f === 'n' && !(Number.isInteger(v) && v >= 0)) return false;
  }
  return true;
}

export const MEAN_FIELDS = ['n', 'sum', 'sumSquares'] as const;
export const COVARIATE_FIELDS = ['sum', 'sumSquares', 'sumProducts'] as const;
export const RATIO_FIELDS = ['n', 'sumM', 'sumD', 'sumM2', 'sumD2', 'sumMD'] as const;
