// How much longer to run: the sample size at which a chosen minimum detectable effect (MDE) would be
// found with the chosen power, from the variances observed so far and each arm's daily intake.
import { normalQuantile } from './distributions';
import { sequentialHalfWidth } from './sequential';

/**
 * Visitors per arm for equal arms: n = (z₁₋α/₂ + z_power)² (s_C² + s_T²)/δ², δ the absolute MDE
 * (e.g. Chow, Shao & Wang, Sample Size Calculations in Clinical Research, §3.2). Null for δ ≤ 0.
 */
export function sampleSizePerArm(varianceControl: number, varianceTreatment: number, mde: number, alpha = 0.05, power = 0.8): number | null {
  if (!(mde > 0 && varianceControl >= 0 && varianceTreatment >= 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1)) return null;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((z * z * (varianceControl + varianceTreatment)) / (mde * mde));
}

export interface PowerArm {
  /** Visitors so far. */
  n: number;
  /** Observed per-visitor variance s² of the metric. */
  variance: number;
  /** New visitors per day, observed. */
  dailyVisitors: number;
}

export interface DaysNeededInput {
  control: PowerArm;
  treatment: PowerArm;
  /** The minimum detectable effect, as a fraction of the control mean (relative, 0.1 = +10 %) or in the metric's units. */
  mde: number;
  mdeType: 'relative' | 'absolute';
  /** Required for a relative MDE. */
  controlMean?: number;
  alpha?: number;
  power?: number;
  /**
   * The always-valid interval's planned total size (sequential.ts), when the verdict reads that
   * interval: the effect must then clear its wider critical value, not z₁₋α/₂. Without it, the
   * fixed-horizon answer promised 80 % power where the verdict came 26–29 % of the time.
   */
  plannedSize?: number;
}

export interface DaysNeeded {
  /** Whole days still needed (0 when enough data is in), or null with a reason. */
  days: number | null;
  /** The unrounded solution, for tests and charts. */
  days_exact: number | null;
  /** The absolute effect the target refers to. */
  mde_absolute: number | null;
  reason: string | null;
}

const MAX_DAYS = 100 * 365;

/**
 * Days d until Var(Δ) = s_C²/(n_C + r_C d) + s_T²/(n_T + r_T d) falls to (δ/(z₁₋α/₂ + z_power))², the
 * variance at which an effect δ is detected with the given power. This is the equal-arms formula above
 * generalised to unequal arms (holdouts are often small) and solved by bisection, as Var(Δ) falls with d.
 * With `plannedSize`, z₁₋α/₂ becomes the always-valid critical value at the N = Σ(n + r d) visitors
 * by then (the sequence's half-width per unit SE), which grows only like √ln N while SE falls like 1/√N.
 */
export function daysStillNeeded(input: DaysNeededInput): DaysNeeded {
  const fail = (reason: string, mdeAbsolute: number | null = null): DaysNeeded => ({ days: null, days_exact: null, mde_absolute: mdeAbsolute, reason });
  const { control, treatment, mde, mdeType } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1)) return fail('alpha and power must lie between 0 and 1');
  const arms = [control, treatment];
  if (arms.some((a) => !a || !(a.n >= 0 && a.variance >= 0 && a.dailyVisitors >= 0) || [a.n, a.variance, a.dailyVisitors].some((v) => !Number.isFinite(v))))
    return fail('arm figures must be finite and non-negative');
  if (!(Number.isFinite(mde) && mde > 0)) return fail('the minimum detectable effect must be positive');
  let delta = mde;
  if (mdeType === 'relative') {
    const base = input.controlMean;
    if (typeof base !== 'number' || !Number.isFinite(base) || base === 0) return fail('a relative effect needs a non-zero control mean');
    delta = mde * Math.abs(base);
  }
  if (control.variance === 0 && treatment.variance === 0) return fail('no variance observed yet', delta);
  const plannedSize = input.plannedSize;
  if (plannedSize !== undefined && !(plannedSize > 0 && Number.isFinite(plannedSize))) return fail('the planned size must be positive');
  const fixedCritical = normalQuantile(1 - alpha / 2);
  const critical = (d: number) =>
    plannedSize === undefined ? fixedCritical : (sequentialHalfWidth(1, arms.reduce((n, a) => n + a.n + a.dailyVisitors * d, 0), alpha, plannedSize) ?? Infinity);
  const varianceAfter = (d: number) =>
    arms.reduce((sum, a) => (a.variance === 0 ? sum : sum + a.variance / (a.n + a.dailyVisitors * d)), 0);
  const zPower = normalQuantile(power);
  // still short of the power after d more days
  const short = (d: number) => varianceAfter(d) * (critical(d) + zPower) ** 2 > delta * delta;
  if (!short(0)) return { days: 0, days_exact: 0, mde_absolute: delta, reason: null };
  if (short(MAX_DAYS)) return fail('not reachable within 100 years at the current traffic', delta);
  let lo = 0;
  let hi = 1;
  while (short(hi)) {
    lo = hi;
    hi *= 2;
  }
  hi = Math.min(hi, MAX_DAYS);
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (short(mid)) lo = mid;
    else hi = mid;
  }
  return { days: Math.ceil(hi), days_exact: hi, mde_absolute: delta, reason: null };
}
