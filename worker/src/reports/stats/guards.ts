// Guards before a verdict: a broken split invalidates everything; small samples and short runs give
// noisy, seasonality-biased answers (Optimizely's 100 visitors / 25 conversions per arm; one full week).

export interface GuardOptions {
  /** Minimum exposed visitors per arm (default 100). */
  minVisitors?: number;
  /** Minimum conversions per arm (default 25). */
  minConversions?: number;
  /** Minimum days since the campaign started (default 7, one weekly cycle). */
  minDays?: number;
  /** Significance level the p-value is compared with (default 0.05). */
  alpha?: number;
}

export interface GuardInput {
  control: { visitors: number; conversions: number };
  treatment: { visitors: number; conversions: number };
  /** Days the campaign has run. */
  days: number;
  /** The sample-ratio-mismatch flag (srmTest(...).flagged). */
  srmFlagged: boolean;
  /** The effect's sign comes from here (treatment − control). */
  absolute: number | null;
  /**
   * The p-value the verdict rests on: normally the always-valid seq_p_value, adjusted by
   * Benjamini–Hochberg across the page (benjaminiHochberg(...)), so daily looks and many rows stay honest.
   */
  pValue: number | null;
}

export type Verdict = 'sample_ratio_mismatch' | 'not_enough_data' | 'too_early' | 'positive' | 'negative' | 'inconclusive';

export interface Warning {
  code: 'srm' | 'min_visitors' | 'min_conversions' | 'min_duration' | 'no_test';
  message: string;
}

export interface GuardResult {
  verdict: Verdict;
  significant: boolean;
  warnings: Warning[];
  /** Days until the minimum duration is met (0 once it is). */
  min_days_remaining: number;
}

/**
 * The verdict, in order: SRM blocks everything; then the minimum sample per arm; then the minimum
 * duration; only then does the (adjusted) p-value decide between positive, negative and inconclusive.
 * Every failed guard is listed in warnings, whatever the verdict.
 */
export function guardVerdict(input: GuardInput, options: GuardOptions = {}): GuardResult {
  const minVisitors = options.minVisitors ?? 100;
  const minConversions = options.minConversions ?? 25;
  const minDays = options.minDays ?? 7;
  const alpha = options.alpha ?? 0.05;
  const warnings: Warning[] = [];
  const arms = [input.control, input.treatment];
  const count = (v: number) => (Number.isFinite(v) ? v : 0);
  if (input.srmFlagged) warnings.push({ code: 'srm', message: 'The arms are not in the configured split (χ² p < 0.001); the results are not trustworthy.' });
  const fewVisitors = arms.some((a) => count(a.visitors) < minVisitors);
  const fewConversions = arms.some((a) => count(a.conversions) < minConversions);
  if (fewVisitors) warnings.push({ code: 'min_visitors', message: `Fewer than ${minVisitors} visitors in an arm.` });
  if (fewConversions) warnings.push({ code: 'min_conversions', message: `Fewer than ${minConversions} conversions in an arm.` });
  const days = Number.isFinite(input.days) ? input.days : 0;
  const remaining = Math.max(0, Math.ceil(minDays - days));
  if (days < minDays) warnings.push({ code: 'min_duration', message: `Runs ${minDays} days before a verdict; ${remaining} to go.` });
  const p = input.pValue;
  const testable = typeof p === 'number' && Number.isFinite(p) && typeof input.absolute === 'number' && Number.isFinite(input.absolute);
  if (!testable) warnings.push({ code: 'no_test', message: 'No test was possible on these numbers.' });
  const significant = testable && p < alpha && input.absolute !== 0;
  const verdict: Verdict = input.srmFlagged
    ? 'sample_ratio_mismatch'
    : fewVisitors || fewConversions
      ? 'not_enough_data'
      : days < minDays
        ? 'too_early'
        : !significant
          ? 'inconclusive'
          : input.absolute! > 0
            ? 'positive'
            : 'negative';
  return { verdict, significant, warnings, min_days_remaining: remaining };
}
