// The calibration check's arithmetic, apart from any server: did a campaign's 95 % interval
// cover its true effect, how often was an A/A campaign called significant, was the broken split
// flagged. Also the textbook interval (two-proportion Wald, unpooled SE; z-test p-value with the
// pooled SE), used to check the simulator itself without a collector (bench:stats --offline).
import { wilsonInterval } from '../worker/src/reports/stats/proportions';
import { HOLDOUT } from './campaigns';
import type { CampaignSummary } from './run';

export interface Interval {
  absolute: number;
  ci_low: number;
  ci_high: number;
  p_value: number;
}

/** One campaign's reading in one seed: its headline interval (null when the report gave none). */
export interface CalibrationRow {
  seed: number;
  campaign: string;
  role: 'effect' | 'aa' | 'demo';
  truth: number;
  interval: Interval | null;
}

export interface Calibration {
  seeds: number;
  /** Share of effect-campaign intervals that covered the true effect. */
  coverage: number;
  covered: number;
  intervals: number;
  /** Share of A/A campaigns with p < alpha. */
  aa_significant_rate: number;
  aaSignificant: number;
  aaTests: number;
  /** Readings without an interval (not counted above). */
  missing: number;
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Treatment − control difference of two proportions: 95 % Wald interval (unpooled) and the pooled z-test's two-sided p. */
export function twoProportion(treated: { n: number; c: number }, control: { n: number; c: number }, z = 1.959963984540054): Interval {
  const p1 = treated.c / treated.n;
  const p0 = control.c / control.n;
  const diff = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / treated.n + (p0 * (1 - p0)) / control.n);
  const pooled = (treated.c + control.c) / (treated.n + control.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / treated.n + 1 / control.n));
  const p_value = sePooled > 0 ? 2 * (1 - normalCdf(Math.abs(diff / sePooled))) : 1;
  return { absolute: diff, ci_low: diff - z * se, ci_high: diff + z * se, p_value };
}

/** The textbook interval from a run's own per-arm counts (first variant against the holdout). */
export function sampleInterval(c: CampaignSummary): Interval | null {
  const h = c.arms.find((a) => a.variant === HOLDOUT);
  const v = c.arms.find((a) => a.variant !== HOLDOUT);
  if (!h || !v || h.exposed < 2 || v.exposed < 2) return null;
  return twoProportion({ n: v.exposed, c: v.conversions }, { n: h.exposed, c: h.conversions });
}

/** Wilson's 95 % interval for a share k/n: how precisely a benchmark's rate is known from k of n trials. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const { low, high } = wilsonInterval({ visitors: n, conversions: k }, z);
  return [low, high];
}

export const covers = (interval: Interval, truth: number) => interval.ci_low <= truth && truth <= interval.ci_high;

export function summarize(rows: readonly CalibrationRow[], alpha = 0.05): Calibration {
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const effects = rows.filter((r) => r.role === 'effect' && r.interval);
  const aa = rows.filter((r) => r.role === 'aa' && r.interval);
  const covered = effects.filter((r) => covers(r.interval!, r.truth)).length;
  const aaSignificant = aa.filter((r) => r.interval!.p_value < alpha).length;
  return {
    seeds,
    coverage: effects.length ? covered / effects.length : NaN,
    covered,
    intervals: effects.length,
    aa_significant_rate: aa.length ? aaSignificant / aa.length : NaN,
    aaSignificant,
    aaTests: aa.length,
    missing: rows.filter((r) => (r.role === 'effect' || r.role === 'aa') && !r.interval).length,
  };
}

/** A report's interval, when it has one (numbers only: a report may hold back a verdict). */
export function reportInterval(headline: { absolute?: unknown; ci_low?: unknown; ci_high?: unknown; p_value?: unknown } | null | undefined): Interval | null {
  if (!headline) return null;
  const { absolute, ci_low, ci_high, p_value } = headline;
  if (![ci_low, ci_high, p_value].every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  return { absolute: typeof absolute === 'number' ? absolute : NaN, ci_low: ci_low as number, ci_high: ci_high as number, p_value: p_value as number };
}

/** Whether a report flags a sample-ratio mismatch: its `srm.flagged`, or a warning whose code names SRM. */
export function srmFlagged(report: { srm?: { flagged?: unknown } | null; warnings?: { code?: unknown }[] | null }): boolean {
  if (report.srm && typeof report.srm.flagged === 'boolean') return report.srm.flagged;
  return (report.warnings ?? []).some((w) => typeof w.code === 'string' && /srm|sample.?ratio/i.test(w.code));
}

/** The benchmark's last line. */
export function resultLine(c: Calibration, srm: boolean): string {
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10000) / 10000 : null);
  return JSON.stringify({ seeds: c.seeds, coverage: round(c.coverage), aa_significant_rate: round(c.aa_significant_rate), srm_flagged: srm }).replace(/,"/g, ', "').replace(/":/g, '": ');
}

/** One campaign's readings over all seeds: where its misses fall, and whether its estimates centre on the truth. */
export interface CampaignCalibration {
  campaign: string;
  role: CalibrationRow['role'];
  truth: number;
  intervals: number;
  covered: number;
  /** Intervals wholly below the truth (the estimate too low), and wholly above it. */
  below: number;
  above: number;
  /** Mean of estimate − truth over the seeds, and its standard error: a bias shows as |bias| ≫ its SE. */
  bias: number;
  biasSe: number;
  /**
   * Standard deviation over the seeds of (estimate − truth) / SE, with the SE read off the interval's
   * half-width: about 1 when the interval's variance is right, above 1 when it understates the noise.
   */
  zSd: number;
}

/** Per campaign (in first-seen order): coverage, one-sided misses, bias and the spread of standardized errors. */
export function byCampaign(rows: readonly CalibrationRow[], z = 1.959963984540054): CampaignCalibration[] {
  const groups = new Map<string, CalibrationRow[]>();
  for (const r of rows) {
    if (!r.interval || !Number.isFinite(r.interval.absolute)) continue;
    const list = groups.get(r.campaign);
    if (list) list.push(r);
    else groups.set(r.campaign, [r]);
  }
  const meanSd = (xs: number[]) => {
    const m = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : NaN;
    return [m, sd];
  };
  return [...groups].map(([campaign, list]) => {
    const errors = list.map((r) => r.interval!.absolute - r.truth);
    const [bias, sd] = meanSd(errors);
    const standardized = list.map((r) => (r.interval!.absolute - r.truth) / ((r.interval!.ci_high - r.interval!.ci_low) / (2 * z)));
    return {
      campaign,
      role: list[0].role,
      truth: list[0].truth,
      intervals: list.length,
      covered: list.filter((r) => covers(r.interval!, r.truth)).length,
      below: list.filter((r) => r.interval!.ci_high < r.truth).length,
      above: list.filter((r) => r.interval!.ci_low > r.truth).length,
      bias,
      biasSe: sd / Math.sqrt(list.length),
      zSd: meanSd(standardized)[1],
    };
  });
}
