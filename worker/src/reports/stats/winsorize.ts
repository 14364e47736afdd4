// Revenue is heavy-tailed: one wholesale order can swing a campaign's revenue per visitor. Winsorizing
// caps each visitor's revenue at a high percentile before it enters the sums. Rollups cannot cap after
// the fact (Σy² of capped values is not a function of Σy² of raw ones), so the cap is fixed per campaign
// and applied as visitors are counted; docs/statistics.md describes the design.

/** The q-th quantile (0 ≤ q ≤ 1), linear between order statistics (Hyndman & Fan type 7, numpy's default). */
export function quantile(values: readonly number[], q: number): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length || !(q >= 0 && q <= 1)) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export interface CapOptions {
  /** The percentile to cap at, 0 < percentile ≤ 100 (default 99). */
  percentile?: number;
  /** Only positive values count (visitors who bought), as most visitors have revenue 0. Default true. */
  ignoreZeros?: boolean;
  /** Round the cap up to a whole number (of minor currency units), so capped sums stay exact integers. Default true. */
  wholeUnits?: boolean;
  /** Fewer usable values than this give no cap (null). Default 30. */
  minValues?: number;
}

/**
 * The winsorization cap from observed per-visitor revenues (in minor units), e.g. every buyer's revenue in
 * their attribution window over the shop's last 28 days. Null when there are too few values.
 */
export function winsorCap(values: readonly number[], options: CapOptions = {}): number | null {
  const percentile = options.percentile ?? 99;
  if (!(percentile > 0 && percentile <= 100)) return null;
  const usable = values.filter((v) => Number.isFinite(v) && (options.ignoreZeros === false ? v >= 0 : v > 0));
  if (usable.length < (options.minValues ?? 30)) return null;
  const cap = quantile(usable, percentile / 100);
  if (cap === null) return null;
  return options.wholeUnits === false ? cap : Math.ceil(cap);
}

/** A visitor's revenue as it enters the sums: min(y, cap), or y when there is no cap. */
export function capped(y: number, cap: number | null): number {
  return cap === null ? y : Math.min(y, cap);
}

/**
 * How an arm's Σy and Σy² change when a visitor's window revenue changes from `before` to `after` (a late
 * order, a duplicate removed): the rollup adds these, so each visitor counts exactly once, capped.
 */
export function cappedDelta(before: number, after: number, cap: number | null): { sum: number; sumSquares: number } {
  const b = capped(before, cap);
  const a = capped(after, cap);
  return { sum: a - b, sumSquares: a * a - b * b };
}
