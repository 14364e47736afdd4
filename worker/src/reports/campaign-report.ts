// A campaign's effect report, from its rollup rows (summed over the site's shards) and the
// statistics engine: per arm counts and rates, uplift of each variant against the holdout with
// intervals and p-values, the guards (SRM, minimum sample and duration), a breakdown, the daily
// cumulative uplift and the funnel. Pure: the route gathers the rows, this turns them into JSON.
import { HEADLINE_FIELDS, type Analysis, type HeadlineRow, type HeadlineStats, type RollupRow } from './campaign-rollups';
import { STAT_FIELDS, zeroStats, addStats, type Stats } from './outcomes';
import { winsorizationCap, winsorizedSums, type HistogramRow } from './revenue-histogram';
import { DEFAULT_PLANNED_SIZE, benjaminiHochberg, compareArms, daysStillNeeded, guardVerdict, sampleVariance, srmTest, type Comparison, type Verdict } from './stats';

export const HOLDOUT = 'holdout';
export const FUNNEL_STEPS = ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'] as const;
export type Breakdown = 'day' | 'hour' | 'segment' | 'device' | 'source' | 'variant';
export const BREAKDOWNS: Breakdown[] = ['day', 'hour', 'segment', 'device', 'source', 'variant'];
const DAY_MS = 86_400_000;

/** What the report needs of a campaign's definition. */
export interface CampaignInfo {
  id: string;
  name: string;
  type: string;
  status: string;
  holdout: number;
  variants: readonly { name: string; weight: number }[];
  start: number;
  end: number | null;
  window_days: number;
  /** Revenue per visitor is winsorized at this percentile (default 99). */
  winsorize_percentile?: number;
  /** Minimum detectable effect on conversion, relative (default 0.1), for "days still needed". */
  mde?: number;
}

export interface ReportOptions {
  analysis: Analysis;
  breakdown: Breakdown;
  now: number;
  alpha?: number;
  /** breakdown=hour: the UTC day whose hours are shown (by default today's). */
  hourDay?: string;
  /** The range's last day: the data the guards count ends there at the latest. */
  toDay?: string;
  /**
   * The rows the breakdown is made of, when not `rows`: grouped by the variant and the
   * breakdown's dimension only (the hour: of `hourDay`, by day and hour), which give the same
   * sums in far fewer rows (RollupShape.breakdown).
   */
  breakdownRows?: readonly HeadlineRow[];
}

/** The rows' stats summed in order, into one accumulator (no object per row). */
function sumRows(rows: readonly RollupRow[]): Stats {
  const acc = zeroStats();
  for (const r of rows) for (const f of STAT_FIELDS) acc[f] += r[f];
  return acc;
}

/** sumRows of the headline stats only (rows read with RollupShape.headline, or breakdown rows). */
function sumHeadlines(rows: readonly HeadlineRow[]): HeadlineStats {
  const acc: HeadlineStats = { n: 0, conv: 0, rev: 0 };
  for (const r of rows) for (const f of HEADLINE_FIELDS) acc[f] += r[f];
  return acc;
}

function byKey<R, T>(rows: readonly R[], key: (r: R) => T): Map<T, R[]> {
  const out = new Map<T, R[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const money = (cents: number) => Math.round(cents) / 100;

/** The arm's counts and rates, money in currency units. */
export function armSummary(variant: string, s: Stats, exposed: number) {
  return {
    variant,
    visitors: s.n,
    exposed,
    impressions: s.impressions,
    clicks: s.clicks,
    ctr: ratio(s.clicks, s.impressions),
    add_to_carts: s.carted,
    checkouts: s.checkout,
    conversions: s.conv,
    conversion_rate: ratio(s.conv, s.n),
    orders: s.orders,
    revenue: money(s.rev),
    revenue_per_visitor: s.n ? money(s.rev) / s.n : null,
    aov: s.orders ? money(s.rev) / s.orders : null,
  };
}

/** What a conversion test reads of an arm. */
type ConversionStats = Pick<Stats, 'n' | 'conv'>;

const conversionSums = (s: ConversionStats) => ({ n: s.n, sum: s.conv, sumSquares: s.conv });
/** With the pre-exposure conversion as the CUPED covariate. */
const cupedConversionSums = (s: Stats) => ({ ...conversionSums(s), covariate: { sum: s.xconv, sumSquares: s.xconv, sumProducts: s.xconv_conv } });

/** Conversion uplift of treatment against control, plain (no covariate), as the headline uses. */
export function conversionUplift(control: ConversionStats, treatment: ConversionStats, alpha = 0.05): Comparison {
  return compareArms(conversionSums(control), conversionSums(treatment), { metric: 'conversion_rate', kind: 'proportion', alpha, cuped: false });
}

function uplifts(variant: string, control: Stats, treatment: Stats, revenue: { control: { sum: number; sumSquares: number }; treatment: { sum: number; sumSquares: number } }, alpha: number) {
  const cupedOf = (c: Comparison) =>
    c.test && c.test.startsWith('cuped') ? { absolute: c.absolute, ci_low: c.ci_low, ci_high: c.ci_high, p_value: c.p_value, variance_reduction: c.variance_reduction } : null;
  const pick = (c: Comparison, cuped: Comparison | null) => ({
    variant, metric: c.metric, control_value: c.control_value, treatment_value: c.treatment_value, absolute: c.absolute, relative: c.relative,
    ci_low: c.ci_low, ci_high: c.ci_high, rel_ci_low: c.rel_ci_low, rel_ci_high: c.rel_ci_high, p_value: c.p_value,
    seq_ci_low: c.seq_ci_low, seq_ci_high: c.seq_ci_high, seq_p_value: c.seq_p_value, test: c.test, reason: c.reason, cuped: cuped ? cupedOf(cuped) : null,
  });
  const conversion = conversionUplift(control, treatment, alpha);
  const conversionCuped = compareArms(cupedConversionSums(control), cupedConversionSums(treatment), { metric: 'conversion_rate', kind: 'proportion', alpha, cuped: true });
  // Revenue per visitor, winsorized (cents → currency units).
  const rpv = (n: number, r: { sum: number; sumSquares: number }) => ({ n, sum: r.sum / 100, sumSquares: r.sumSquares / 10_000 });
  const revenueTest = compareArms(rpv(control.n, revenue.control), rpv(treatment.n, revenue.treatment), { metric: 'revenue_per_visitor', kind: 'mean', alpha, cuped: false });
  const ratioSums = (s: Stats, m: 'rev' | 'clicks') =>
    m === 'rev'
      ? { n: s.n, sumM: s.rev / 100, sumD: s.orders, sumM2: s.rev2 / 10_000, sumD2: s.orders2, sumMD: s.rev_orders / 100 }
      : { n: s.n, sumM: s.clicks, sumD: s.impressions, sumM2: s.clicks2, sumD2: s.impressions2, sumMD: s.clicks_impressions };
  const aov = compareArms(ratioSums(control, 'rev'), ratioSums(treatment, 'rev'), { metric: 'aov', kind: 'ratio', alpha });
  const ctr = compareArms(ratioSums(control, 'clicks'), ratioSums(treatment, 'clicks'), { metric: 'ctr', kind: 'ratio', alpha });
  return [pick(conversion, conversionCuped), pick(revenueTest, null), pick(aov, null), pick(ctr, null)];
}

/** SRM of the arms' visitors against the configured split (holdout, then variants by weight). */
export function sampleRatio(campaign: CampaignInfo, visitors: ReadonlyMap<string, number>) {
  const total = campaign.variants.reduce((s, v) => s + v.weight, 0) || 1;
  const arms = [HOLDOUT, ...campaign.variants.map((v) => v.name)];
  const weights = [campaign.holdout, ...campaign.variants.map((v) => ((1 - campaign.holdout) * v.weight) / total)];
  const result = srmTest(arms.map((a) => visitors.get(a) ?? 0), weights);
  return { chi2: result.chi2, p_value: result.p_value, flagged: result.flagged };
}

/** Days the campaign has run by `now` (or by its end). */
export function daysRunning(campaign: CampaignInfo, now: number): number {
  const until = campaign.end !== null ? Math.min(now, campaign.end) : now;
  return Math.max(0, (until - campaign.start) / DAY_MS);
}

/**
 * Days the report's data spans: from the day its first visitor entered (never before the start)
 * to now, the campaign's end or the range's last day (`toDay`), whichever is first. The minimum
 * duration counts these, not the days since the start: visitors who all came in a campaign's last
 * hours are hours of data, whatever its start says. (Rows not grouped by day carry the first day
 * they sum, campaign-rollups.ts rollupSelect.)
 */
export function daysOfData(campaign: CampaignInfo, rows: readonly { day: string; n: number }[], now: number, toDay?: string): number {
  let first = '';
  for (const r of rows) if (r.n > 0 && r.day && (!first || r.day < first)) first = r.day;
  if (!first) return 0;
  const from = Math.max(campaign.start, Date.parse(first));
  const until = Math.min(now, campaign.end ?? Infinity, toDay ? Date.parse(toDay) + DAY_MS : Infinity);
  return Math.max(0, (until - from) / DAY_MS);
}

const VERDICT_WORDS: Record<Verdict, string> = {
  sample_ratio_mismatch: 'not_enough_data',
  not_enough_data: 'not_enough_data',
  too_early: 'not_enough_data',
  positive: 'winning',
  negative: 'losing',
  inconclusive: 'inconclusive',
};

/** The verdict and warnings from the guards; `pValue` is the one the verdict rests on (adjusted across the page). */
export function guards(control: ConversionStats, treatment: ConversionStats, srmFlagged: boolean, absolute: number | null, pValue: number | null, days: number, alpha = 0.05) {
  const g = guardVerdict({
    control: { visitors: control.n, conversions: control.conv },
    treatment: { visitors: treatment.n, conversions: treatment.conv },
    days,
    srmFlagged,
    absolute,
    pValue,
  }, { alpha });
  return {
    verdict: VERDICT_WORDS[g.verdict],
    significant: g.significant && !srmFlagged,
    warnings: g.warnings.filter((w) => w.code !== 'no_test' || control.n + treatment.n > 0),
    minDaysRemaining: g.min_days_remaining,
  };
}

/** Per variant (holdout included), the summed stats of `rows`. */
export const armsOf = (rows: readonly RollupRow[]) => new Map([...byKey(rows, (r) => r.variant)].map(([v, list]) => [v, sumRows(list)]));
/** armsOf, headline stats only. */
const headlineArmsOf = (rows: readonly HeadlineRow[]) => new Map([...byKey(rows, (r) => r.variant)].map(([v, list]) => [v, sumHeadlines(list)]));

/** The treatment arm a headline compares: the variant with the most visitors. */
export function mainVariant(campaign: CampaignInfo, arms: ReadonlyMap<string, HeadlineStats>): string {
  return [...campaign.variants].map((v) => v.name).sort((a, b) => (arms.get(b)?.n ?? 0) - (arms.get(a)?.n ?? 0))[0] ?? HOLDOUT;
}

/** The full report of one campaign. `rows`/`hist` are of the chosen analysis; `triggered` gives exposed counts. */
export function campaignReport(campaign: CampaignInfo, rows: readonly RollupRow[], hist: readonly HistogramRow[], triggered: readonly RollupRow[], options: ReportOptions) {
  const alpha = options.alpha ?? 0.05;
  const arms = armsOf(rows);
  const exposed = armsOf(triggered);
  const variants = [HOLDOUT, ...campaign.variants.map((v) => v.name)];
  const control = arms.get(HOLDOUT) ?? zeroStats();
  const visitors = new Map(variants.map((v) => [v, arms.get(v)?.n ?? 0]));
  const srm = sampleRatio(campaign, visitors);
  const cap = winsorizationCap(hist, campaign.winsorize_percentile ?? 99);
  const revenueOf = (v: string) => {
    const w = winsorizedSums(hist, v, cap);
    return { sum: w.sum, sumSquares: w.sum2 };
  };
  const uplift = campaign.variants.flatMap((v) =>
    uplifts(v.name, control, arms.get(v.name) ?? zeroStats(), { control: revenueOf(HOLDOUT), treatment: revenueOf(v.name) }, alpha));

  const main = mainVariant(campaign, arms);
  const treatment = arms.get(main) ?? zeroStats();
  const headline = uplift.find((u) => u.variant === main && u.metric === 'conversion_rate')!;
  const dataDays = daysOfData(campaign, rows, options.now, options.toDay);
  const g = guards(control, treatment, srm.flagged, headline?.absolute ?? null, headline?.seq_p_value ?? null, dataDays, alpha);

  // Days still needed for the campaign's minimum detectable effect on conversion, to be found by the
  // always-valid p-value the verdict rests on.
  const days = Math.max(1, dataDays);
  const powerArm = (s: Stats) => ({ n: s.n, variance: sampleVariance({ n: s.n, sum: s.conv, sumSquares: s.conv }) ?? 0, dailyVisitors: s.n / days });
  const needed = daysStillNeeded({ control: powerArm(control), treatment: powerArm(treatment), mde: campaign.mde ?? 0.1, mdeType: 'relative', controlMean: control.n ? control.conv / control.n : undefined, alpha, plannedSize: DEFAULT_PLANNED_SIZE });

  // One pass: each day's arms, then running (prefix) sums of holdout and main variant. The
  // stats are integer-valued (counts, cents), so the sums equal re-summing every earlier row.
  const byDay = byKey(rows, (r) => r.day);
  const split = options.breakdownRows ?? rows;
  let upToControl = zeroStats();
  let upToMain = zeroStats();
  const daily = [...byDay.keys()].sort().map((day) => {
    const today = armsOf(byDay.get(day)!);
    upToControl = addStats(upToControl, today.get(HOLDOUT) ?? zeroStats());
    upToMain = addStats(upToMain, today.get(main) ?? zeroStats());
    const c = conversionUplift(upToControl, upToMain, alpha);
    return {
      day,
      arms: variants.map((v) => ({ variant: v, visitors: today.get(v)?.n ?? 0, conversions: today.get(v)?.conv ?? 0, revenue: money(today.get(v)?.rev ?? 0) })),
      cumulative: c.absolute === null ? null : { absolute: c.absolute, ci_low: c.ci_low, ci_high: c.ci_high, seq_ci_low: c.seq_ci_low, seq_ci_high: c.seq_ci_high },
    };
  });

  return {
    campaign: { id: campaign.id, name: campaign.name, type: campaign.type, status: campaign.status, holdout: campaign.holdout, start: new Date(campaign.start).toISOString(), end: campaign.end === null ? null : new Date(campaign.end).toISOString(), window_days: campaign.window_days },
    analysis: options.analysis,
    arms: variants.map((v) => armSummary(v, arms.get(v) ?? zeroStats(), exposed.get(v)?.n ?? 0)),
    uplift,
    srm,
    winsorized_at: Number.isFinite(cap) ? money(cap) : null,
    guards: { min_sample_met: !g.warnings.some((w) => w.code === 'min_visitors' || w.code === 'min_conversions'), min_duration_met: g.minDaysRemaining === 0, min_days_remaining: g.minDaysRemaining, days_running: +daysRunning(campaign, options.now).toFixed(2), days_of_data: +dataDays.toFixed(2), days_still_needed: needed.days },
    verdict: g.verdict,
    warnings: g.warnings,
    breakdown: options.breakdown === 'hour'
      ? { ...breakdownOf(split.filter((r) => r.day === (options.hourDay ?? new Date(options.now).toISOString().slice(0, 10))), 'hour', main, alpha), day: options.hourDay ?? new Date(options.now).toISOString().slice(0, 10) }
      : breakdownOf(split, options.breakdown, main, alpha),
    daily,
    funnel: {
      steps: [...FUNNEL_STEPS],
      arms: variants.map((v) => {
        const s = arms.get(v) ?? zeroStats();
        const counts = [s.viewed, s.carted, s.checkout, s.conv];
        return { variant: v, visitors: s.n, counts, rates: counts.map((c) => (s.n ? c / s.n : 0)) };
      }),
    },
  };
}

/** Rows grouped by a dimension, each with its arms and the conversion uplift of the main variant. */
export function breakdownOf(rows: readonly HeadlineRow[], by: Breakdown, main: string, alpha = 0.05) {
  if (by === 'variant') {
    const arms = headlineArmsOf(rows);
    const control = arms.get(HOLDOUT) ?? zeroStats();
    return {
      by,
      rows: [...arms.keys()].sort().map((variant) => {
        const s = arms.get(variant)!;
        const c = variant === HOLDOUT ? null : conversionUplift(control, s, alpha);
        return { key: variant, arms: [{ variant, visitors: s.n, conversions: s.conv, conversion_rate: ratio(s.conv, s.n), revenue: money(s.rev) }], uplift: c && { absolute: c.absolute, ci_low: c.ci_low, ci_high: c.ci_high, p_value: c.p_value } };
      }),
    };
  }
  // An hour is keyed by its day too (YYYY-MM-DDTHH:00, UTC), so hours of two days never mix.
  const groups = byKey(rows, (r) => (by === 'hour' ? `${r.day}T${String(r.hour).padStart(2, '0')}:00` : String(r[by])));
  return {
    by,
    rows: [...groups.keys()].sort().map((key) => {
      const arms = headlineArmsOf(groups.get(key)!);
      const c = conversionUplift(arms.get(HOLDOUT) ?? zeroStats(), arms.get(main) ?? zeroStats(), alpha);
      return {
        key,
        arms: [...arms].map(([variant, s]) => ({ variant, visitors: s.n, conversions: s.conv, conversion_rate: ratio(s.conv, s.n), revenue: money(s.rev) })),
        uplift: c.absolute === null ? null : { absolute: c.absolute, ci_low: c.ci_low, ci_high: c.ci_high, p_value: c.p_value },
      };
    }),
  };
}

/**
 * Every campaign's headline (conversion of its main variant against the holdout), with
 * Benjamini–Hochberg across the page: `q_value` is the always-valid p-value adjusted for all
 * the campaigns shown, and the verdict rests on it, so a marketer who looks every day at many
 * campaigns is not misled by the ones that got lucky.
 */
export function campaignList(entries: readonly { campaign: CampaignInfo; rows: readonly HeadlineRow[] }[], now: number, toDay?: string, alpha = 0.05) {
  const firsts = entries.map(({ campaign, rows }) => {
    const arms = headlineArmsOf(rows);
    const main = mainVariant(campaign, arms);
    const control = arms.get(HOLDOUT) ?? zeroStats();
    const treatment = arms.get(main) ?? zeroStats();
    const c = conversionUplift(control, treatment, alpha);
    const visitors = new Map([HOLDOUT, ...campaign.variants.map((v) => v.name)].map((v) => [v, arms.get(v)?.n ?? 0]));
    return { campaign, arms, main, control, treatment, c, srm: sampleRatio(campaign, visitors), dataDays: daysOfData(campaign, rows, now, toDay) };
  });
  const q = benjaminiHochberg(firsts.map((f) => f.c.seq_p_value));
  return firsts.map((f, i) => {
    const g = guards(f.control, f.treatment, f.srm.flagged, f.c.absolute, q[i], f.dataDays, alpha);
    return {
      id: f.campaign.id, name: f.campaign.name, type: f.campaign.type, status: f.campaign.status, holdout: f.campaign.holdout,
      start: new Date(f.campaign.start).toISOString(), end: f.campaign.end === null ? null : new Date(f.campaign.end).toISOString(),
      days_running: +daysRunning(f.campaign, now).toFixed(2),
      days_of_data: +f.dataDays.toFixed(2),
      arms: [HOLDOUT, ...f.campaign.variants.map((v) => v.name)].map((v) => {
        const s = f.arms.get(v) ?? zeroStats();
        return { variant: v, visitors: s.n, conversions: s.conv, conversion_rate: ratio(s.conv, s.n), revenue: money(s.rev), revenue_per_visitor: s.n ? money(s.rev) / s.n : null };
      }),
      headline: f.c.absolute === null ? null : {
        variant: f.main, metric: 'conversion_rate', control_value: f.c.control_value, treatment_value: f.c.treatment_value,
        absolute: f.c.absolute, relative: f.c.relative, ci_low: f.c.ci_low, ci_high: f.c.ci_high, rel_ci_low: f.c.rel_ci_low, rel_ci_high: f.c.rel_ci_high,
        p_value: f.c.p_value, seq_p_value: f.c.seq_p_value, q_value: q[i], significant: g.significant, verdict: g.verdict,
      },
      srm: f.srm,
      warnings: g.warnings,
    };
  });
}
