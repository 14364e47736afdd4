// Revenue per visitor, winsorized at a percentile chosen when the report is read. Rollups can't
// clip values after the fact, so each campaign arm and day also keeps a histogram of its buyers'
// revenue in quarter-octave buckets (edges 2^(k/4) cents), with each bucket's count, Σy and Σy².
// Winsorizing at the lower edge of the bucket that holds the chosen percentile is then exact:
// every value at or above that edge becomes the edge, every value below stays as it was.
import { integer, packRows } from './packed';

const BUCKETS_PER_OCTAVE = 4;

/** The bucket of a positive amount in cents. */
export const bucketOf = (cents: number) => Math.floor(Math.log2(cents) * BUCKETS_PER_OCTAVE);
/** The lower edge of bucket k, in cents. */
export const edgeOf = (k: number) => 2 ** (k / BUCKETS_PER_OCTAVE);

export function migrateRevenueHistogram(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS campaign_revenue_hist (
    campaign_id TEXT NOT NULL, analysis TEXT NOT NULL, variant TEXT NOT NULL, day TEXT NOT NULL, bucket INTEGER NOT NULL,
    n REAL NOT NULL, sum REAL NOT NULL, sum2 REAL NOT NULL,
    PRIMARY KEY (campaign_id, analysis, variant, day, bucket)) WITHOUT ROWID`);
}

export function addToRevenueHistogram(sql: SqlStorage, campaignId: string, analysis: string, variant: string, day: string, cents: number, sign: 1 | -1): void {
  if (cents <= 0) return;
  sql.exec(
    `INSERT INTO campaign_revenue_hist (campaign_id, analysis, variant, day, bucket, n, sum, sum2) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (campaign_id, analysis, variant, day, bucket) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sum2 = sum2 + excluded.sum2`,
    campaignId, analysis, variant, day, bucketOf(cents), sign, sign * cents, sign * cents * cents);
}

export interface HistogramRow {
  variant: string;
  day: string;
  bucket: number;
  n: number;
  sum: number;
  sum2: number;
}

/** The columns of a HistogramRow, in their packed order. */
export const HISTOGRAM_ROW_COLUMNS = ['variant', 'day', 'bucket', 'n', 'sum', 'sum2'] as const;

/**
 * The histograms of these campaigns, entries from `fromDay` to `toDay`, as packRows text: the
 * campaign id, then HISTOGRAM_ROW_COLUMNS. `byDay` false sums the days (day reads '').
 */
export function packedHistogramRows(sql: SqlStorage, campaignIds: readonly string[], analysis: string, fromDay: string, toDay: string, byDay = true): string {
  const where = 'campaign_id IN (SELECT value FROM json_each(?)) AND analysis = ? AND day >= ? AND day <= ? AND n > 0';
  const select = byDay
    ? `SELECT campaign_id, variant, day, bucket, n, sum, sum2 FROM campaign_revenue_hist WHERE ${where}`
    : `SELECT campaign_id, variant, '' AS day, bucket, sum(n) AS n, sum(sum) AS sum, sum(sum2) AS sum2 FROM campaign_revenue_hist
       WHERE ${where} GROUP BY campaign_id, variant, bucket`;
  return packRows(sql, select, ['campaign_id', 'variant', 'day', 'bucket', integer('n'), integer('sum'), integer('sum2')], JSON.stringify(campaignIds), analysis, fromDay, toDay);
}

/** Fewer buyers than this give no cap: a percentile of a handful of orders means little. */
export const MIN_BUYERS_FOR_CAP = 30;

/**
 * The winsorization cap (cents): the histogram edge at or just below the `percentile` (0–100) of
 * the buyers' revenue, both arms pooled (so both use the same cap). Buyers only: with 3 %
 * converting, a percentile over all visitors would cap the median order. Infinity (no cap) below
 * MIN_BUYERS_FOR_CAP buyers.
 */
export function winsorizationCap(rows: readonly HistogramRow[], percentile: number): number {
  const byBucket = new Map<number, number>();
  for (const r of rows) byBucket.set(r.bucket, (byBucket.get(r.bucket) ?? 0) + r.n);
  const buyers = [...byBucket.values()].reduce((a, b) => a + b, 0);
  if (buyers < MIN_BUYERS_FOR_CAP || !(percentile > 0 && percentile < 100)) return Infinity;
  // The order statistic at or below the percentile (numpy's interpolation starts from it).
  const rank = Math.floor((percentile / 100) * (buyers - 1)) + 1;
  let below = 0;
  for (const k of [...byBucket.keys()].sort((a, b) => a - b)) {
    below += byBucket.get(k)!;
    if (below >= rank) return edgeOf(k);
  }
  return Infinity;
}

/** Σy and Σy² of one arm's revenue per visitor with every value above `cap` set to `cap`. */
export function winsorizedSums(rows: readonly HistogramRow[], variant: string, cap: number): { sum: number; sum2: number } {
  let sum = 0;
  let sum2 = 0;
  for (const r of rows) {
    if (r.variant !== variant) continue;
    if (edgeOf(r.bucket) >= cap) (sum += r.n * cap), (sum2 += r.n * cap * cap);
    else (sum += r.sum), (sum2 += r.sum2);
  }
  return { sum, sum2 };
}
