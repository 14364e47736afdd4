// The one entry point the report routes call: control vs treatment for one metric, from rollup sums,
// to a JSON-ready object. Degenerate input gives nulls and a reason, never NaN or Infinity, never a throw.
import { chanceToWin } from './bayesian';
import { cupedTest, type CupedSums } from './cuped';
import { relativeInterval, type ArmEstimate, type TestResult } from './effect';
import { meanEstimate, welchTest } from './means';
import { COVARIATE_FIELDS, MEAN_FIELDS, type MetricSums, RATIO_FIELDS, type RatioSums, validSums } from './moments';
import { proportionEstimate, twoProportionTest } from './proportions';
import { ratioEstimate, ratioTest } from './ratio';
import { DEFAULT_PLANNED_SIZE, sequentialInterval, sequentialPValue } from './sequential';

/** proportion: 0/1 per visitor (Σy = conversions); mean: e.g. revenue per visitor; ratio: Σm/Σd (AOV, CTR). */
export type MetricKind = 'proportion' | 'mean' | 'ratio';

export type ArmSums = MetricSums | RatioSums;

export interface CompareOptions {
  metric: string;
  kind: MetricKind;
  /** 1 − confidence level (default 0.05). */
  alpha?: number;
  /** Total visitors at which the always-valid interval is tightest (default 5,000). */
  plannedSize?: number;
  /** Adjust with the pre-exposure covariate when both arms carry one (default true). */
  cuped?: boolean;
}

export type TestName = 'two_proportion_z' | 'welch_t' | 'delta_method_z' | 'cuped_z' | 'cuped_welch_t';

export interface Comparison {
  metric: string;
  kind: MetricKind | null;
  test: TestName | null;
  alpha: number;
  control_n: number | null;
  treatment_n: number | null;
  /** Arm values (CUPED-adjusted means when CUPED is used, so that absolute = treatment − control). */
  control_value: number | null;
  treatment_value: number | null;
  absolute: number | null;
  relative: number | null;
  /** The (1 − α) interval of the absolute difference. */
  ci_low: number | null;
  ci_high: number | null;
  rel_ci_low: number | null;
  rel_ci_high: number | null;
  /** Two-sided p-value of the fixed-horizon test. */
  p_value: number | null;
  statistic: number | null;
  /** Degrees of freedom of a t reference; null for z. */
  df: number | null;
  /** Always-valid (1 − α) interval of the absolute difference, and its p-value. */
  seq_ci_low: number | null;
  seq_ci_high: number | null;
  rel_seq_ci_low: number | null;
  rel_seq_ci_high: number | null;
  seq_p_value: number | null;
  planned_size: number;
  /** Flat-prior normal posterior P(treatment > control). */
  chance_to_win: number | null;
  cuped_theta: number | null;
  variance_reduction: number | null;
  /** Why some fields are null; null when everything was computed. */
  reason: string | null;
}

function emptyComparison(options: CompareOptions, alpha: number, plannedSize: number): Comparison {
  return {
    metric: String(options.metric ?? ''),
    kind: options.kind === 'proportion' || options.kind === 'mean' || options.kind === 'ratio' ? options.kind : null,
    test: null,
    alpha,
    control_n: null,
    treatment_n: null,
    control_value: null,
    treatment_value: null,
    absolute: null,
    relative: null,
    ci_low: null,
    ci_high: null,
    rel_ci_low: null,
    rel_ci_high: null,
    p_value: null,
    statistic: null,
    df: null,
    seq_ci_low: null,
    seq_ci_high: null,
    rel_seq_ci_low: null,
    rel_seq_ci_high: null,
    seq_p_value: null,
    planned_size: plannedSize,
    chance_to_win: null,
    cuped_theta: null,
    variance_reduction: null,
    reason: null,
  };
}

interface Plan {
  estimates: [ArmEstimate | null, ArmEstimate | null];
  run: () => (TestResult & { theta?: number; varianceReduction?: number | null }) | null;
  test: TestName;
}

/** Validates the arms for the kind and decides which test runs; a string is the reason it cannot. */
function plan(control: ArmSums, treatment: ArmSums, options: CompareOptions, alpha: number): Plan | string {
  const { kind } = options;
  if (kind === 'ratio') {
    if (!validSums(control, RATIO_FIELDS) || !validSums(treatment, RATIO_FIELDS)) return 'invalid ratio sums (n, sumM, sumD, sumM2, sumD2, sumMD)';
    const c = control as RatioSums;
    const t = treatment as RatioSums;
    return { estimates: [ratioEstimate(c), ratioEstimate(t)], run: () => ratioTest(c, t, alpha), test: 'delta_method_z' };
  }
  if (kind !== 'proportion' && kind !== 'mean') return `unknown metric kind ${JSON.stringify(String(kind))}`;
  if (!validSums(control, MEAN_FIELDS) || !validSums(treatment, MEAN_FIELDS)) return 'invalid sums (n, sum, sumSquares)';
  const c = control as MetricSums;
  const t = treatment as MetricSums;
  if (kind === 'proportion' && [c, t].some((a) => a.sum < 0 || a.sum > a.n)) return 'conversions must lie between 0 and the visitors';
  const withCovariate = options.cuped !== false && c.covariate !== undefined && t.covariate !== undefined;
  if (withCovariate) {
    if (!validSums(c.covariate, COVARIATE_FIELDS) || !validSums(t.covariate, COVARIATE_FIELDS)) return 'invalid covariate sums (sum, sumSquares, sumProducts)';
    const reference = kind === 'mean' ? 't' : 'normal';
    return {
      estimates: [meanEstimate(c), meanEstimate(t)],
      run: () => cupedTest(c as CupedSums, t as CupedSums, alpha, reference),
      test: kind === 'mean' ? 'cuped_welch_t' : 'cuped_z',
    };
  }
  if (kind === 'proportion') {
    const counts = (a: MetricSums) => ({ visitors: a.n, conversions: a.sum });
    return {
      estimates: [proportionEstimate(counts(c)), proportionEstimate(counts(t))],
      run: () => twoProportionTest(counts(c), counts(t), alpha),
      test: 'two_proportion_z',
    };
  }
  return { estimates: [meanEstimate(c), meanEstimate(t)], run: () => welchTest(c, t, alpha), test: 'welch_t' };
}

/** Replaces every non-finite number by null, so the object always serialises to valid JSON. */
function finite(result: Comparison): Comparison {
  const out = result as unknown as Record<string, unknown>;
  let replaced = false;
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      out[key] = null;
      replaced = true;
    }
  }
  if (replaced && !result.reason) result.reason = 'a value was out of numeric range';
  return result;
}

/** The arm's value where no estimate with a variance exists (a single visitor): Σy/n or Σm/Σd. */
function plainValue(arm: ArmSums, kind: MetricKind): number | null {
  if (kind === 'ratio') return (arm as RatioSums).sumD > 0 ? (arm as RatioSums).sumM / (arm as RatioSums).sumD : null;
  return arm.n >= 1 ? (arm as MetricSums).sum / arm.n : null;
}

/** Why the test could not run, from the arms' sums and whether both arms had an estimate. */
function whyNoTest(control: ArmSums, treatment: ArmSums, kind: MetricKind, estimated: boolean): string {
  if (control.n < 2 || treatment.n < 2) return 'fewer than 2 visitors in an arm';
  if (kind === 'ratio' && ((control as RatioSums).sumD === 0 || (treatment as RatioSums).sumD === 0))
    return 'the denominator is 0 in an arm (e.g. no orders or no impressions)';
  if (!estimated) return 'the sums are out of numeric range';
  return 'no variance within an arm: its values are all alike (e.g. nobody bought, a single order), so it cannot be compared';
}

/**
 * Compares treatment with control for one metric. Fields: the arm values, absolute and relative effect,
 * their (1 − α) intervals, the fixed-horizon p-value, the always-valid interval, chance to win.
 */
export function compareArms(control: ArmSums, treatment: ArmSums, options: CompareOptions): Comparison {
  const alpha = options?.alpha ?? 0.05;
  const plannedSize = options?.plannedSize ?? DEFAULT_PLANNED_SIZE;
  const result = emptyComparison(options ?? ({} as CompareOptions), alpha, plannedSize);
  try {
    if (!options || typeof options !== 'object') return finite({ ...result, reason: 'options { metric, kind } are required' });
    if (!(alpha > 0 && alpha < 1)) return finite({ ...result, reason: 'alpha must lie between 0 and 1' });
    if (!(plannedSize > 0 && Number.isFinite(plannedSize))) return finite({ ...result, reason: 'the planned size must be positive' });
    const chosen = plan(control, treatment, options, alpha);
    if (typeof chosen === 'string') return finite({ ...result, reason: chosen });
    result.control_n = control.n;
    result.treatment_n = treatment.n;
    const [c, t] = chosen.estimates;
    result.control_value = c?.value ?? plainValue(control, options.kind);
    result.treatment_value = t?.value ?? plainValue(treatment, options.kind);
    const test = chosen.run();
    if (!test) return finite({ ...result, reason: whyNoTest(control, treatment, options.kind, c !== null && t !== null) });
    const totalN = control.n + treatment.n;
    // Never narrower than the fixed-horizon interval (Newcombe's, for rates, is not symmetric).
    const seqAround = sequentialInterval(test.absolute, totalN, alpha, plannedSize);
    const seq = seqAround && { low: Math.min(seqAround.low, test.ci.low), high: Math.max(seqAround.high, test.ci.high) };
    const relSeq = test.relative ? relativeInterval(test.control, test.treatment, (effect) => sequentialInterval(effect, totalN, alpha, plannedSize)) : null;
    // Never below the fixed-horizon p-value, as its interval is never narrower: with an arm at 0 % or
    // 100 % the Wald variance behind the sequence leaves that arm's noise out (0/100 against 20/900
    // gave 0.003 while the pooled p was 0.13 and the interval held 0).
    const seqP = sequentialPValue(test.absolute, totalN, alpha, plannedSize);
    const filled: Comparison = {
      ...result,
      test: chosen.test,
      control_value: test.control.value,
      treatment_value: test.treatment.value,
      absolute: test.absolute.estimate,
      relative: test.relative?.estimate ?? null,
      ci_low: test.ci.low,
      ci_high: test.ci.high,
      rel_ci_low: test.relativeCi?.low ?? null,
      rel_ci_high: test.relativeCi?.high ?? null,
      p_value: test.pValue,
      statistic: test.statistic,
      df: test.reference.kind === 't' ? test.reference.df : null,
      seq_ci_low: seq?.low ?? null,
      seq_ci_high: seq?.high ?? null,
      rel_seq_ci_low: relSeq?.low ?? null,
      rel_seq_ci_high: relSeq?.high ?? null,
      seq_p_value: seqP === null ? null : Math.max(seqP, test.pValue),
      chance_to_win: chanceToWin(test.absolute),
      cuped_theta: test.theta ?? null,
      variance_reduction: test.varianceReduction ?? null,
      reason: test.relative ? (test.relativeCi ? null : 'no relative interval: an arm has no variance (e.g. all converted)') : 'the control value is 0: no relative lift',
    };
    return finite(filled);
  } catch (error) {
    return finite({ ...result, reason: `internal error: ${error instanceof Error ? error.message : String(error)}` });
  }
}
