// Campaign rollups in a visitor shard: per campaign × analysis × arm × day × hour × segment ×
// device × source, the sums of every per-visitor value in STAT_FIELDS. Each visitor's current
// contribution is kept beside them, so a changed outcome replaces the old contribution (subtract
// old, add new) and a visitor always counts once, however their events arrive. Reports read only
// these rows, summed over the site's shards.
//
// The five dimensions make nearly one row per visitor, so the same sums are also kept per
// campaign × analysis × arm × day (campaign_days, written in the same statements' transaction):
// the reports that group by no more than the day (the campaign list, the funnel, the daily and
// per-variant views) read a few rows per arm and day instead of one per visitor. Every stat is
// integer-valued, so both tables give exactly the same sums.
import { PRE_PERIOD_MS, STAT_FIELDS, visitorOutcome, type OutcomeEvent, type StatField, type Stats } from './outcomes';
import { migrateAttribution, refreshAttribution } from './attribution-rollups';
import { addToRevenueHistogram, migrateRevenueHistogram, packedHistogramRows } from './revenue-histogram';
import { integer, packRows } from './packed';

export type Analysis = 'itt' | 'triggered';
export const ANALYSES: Analysis[] = ['itt', 'triggered'];

/** The rollup row a visitor counts in: the dimensions of their entry. */
export interface Bucket {
  day: string;
  hour: number;
  segment: string;
  device: string;
  source: string;
}
const BUCKET_FIELDS = ['day', 'hour', 'segment', 'device', 'source'] as const;

/**
 * A visitor's events since a time, for their outcomes. They come from `events_by_visitor` and are
 * sorted after: an index on (visitor_id, ts) beside it made storing a batch of events cost 16–40 %
 * more (`npm run bench:sqlite-layout -- events`), for reads of a few hundred rows at most
 * (retention bounds a visitor's events).
 */
export const VISITOR_EVENTS_SINCE = 'SELECT name, ts, props, utm, device FROM events WHERE visitor_id = ? AND ts >= ? ORDER BY ts';

export function migrateCampaignRollups(sql: SqlStorage): void {
  migrateRevenueHistogram(sql);
  migrateAttribution(sql);
  sql.exec(`
    CREATE TABLE IF NOT EXISTS campaign_rollups (
      campaign_id TEXT NOT NULL, analysis TEXT NOT NULL, variant TEXT NOT NULL,
      day TEXT NOT NULL, hour INTEGER NOT NULL, segment TEXT NOT NULL, device TEXT NOT NULL, source TEXT NOT NULL,
      ${STAT_FIELDS.map((f) => `${f} REAL NOT NULL DEFAULT 0`).join(', ')},
      PRIMARY KEY (campaign_id, analysis, variant, day, hour, segment, device, source)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS campaign_outcomes (
      campaign_id TEXT NOT NULL, analysis TEXT NOT NULL, visitor_id TEXT NOT NULL,
      variant TEXT NOT NULL, entry INTEGER NOT NULL, bucket TEXT NOT NULL, stats TEXT NOT NULL,
      PRIMARY KEY (campaign_id, analysis, visitor_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS campaign_outcomes_by_visitor ON campaign_outcomes (visitor_id);
    DROP INDEX IF EXISTS events_by_visitor_ts;`); // see VISITOR_EVENTS_SINCE
  migrateCampaignDays(sql);
}

/** The per-day table; filled from the full rollups when it is new (a shard made before it). */
function migrateCampaignDays(sql: SqlStorage): void {
  const exists = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'campaign_days'").toArray().length > 0;
  if (exists) return;
  sql.exec(`
    CREATE TABLE campaign_days (
      campaign_id TEXT NOT NULL, analysis TEXT NOT NULL, variant TEXT NOT NULL, day TEXT NOT NULL,
      ${STAT_FIELDS.map((f) => `${f} REAL NOT NULL DEFAULT 0`).join(', ')},
      PRIMARY KEY (campaign_id, analysis, variant, day)
    ) WITHOUT ROWID;
    INSERT INTO campaign_days (campaign_id, analysis, variant, day, ${STAT_FIELDS.join(', ')})
      SELECT campaign_id, analysis, variant, day, ${STAT_FIELDS.map((f) => `sum(${f})`).join(', ')} FROM campaign_rollups
      GROUP BY campaign_id, analysis, variant, day;`);
}

const ADD = `INSERT INTO campaign_rollups (campaign_id, analysis, variant, ${BUCKET_FIELDS.join(', ')}, ${STAT_FIELDS.join(', ')})
  VALUES (${Array(3 + BUCKET_FIELDS.length + STAT_FIELDS.length).fill('?').join(', ')})
  ON CONFLICT (campaign_id, analysis, variant, ${BUCKET_FIELDS.join(', ')}) DO UPDATE SET
  ${STAT_FIELDS.map((f) => `${f} = ${f} + excluded.${f}`).join(', ')}`;

const ADD_DAY = `INSERT INTO campaign_days (campaign_id, analysis, variant, day, ${STAT_FIELDS.join(', ')})
  VALUES (${Array(4 + STAT_FIELDS.length).fill('?').join(', ')})
  ON CONFLICT (campaign_id, analysis, variant, day) DO UPDATE SET
  ${STAT_FIELDS.map((f) => `${f} = ${f} + excluded.${f}`).join(', ')}`;

function addToRollup(sql: SqlStorage, campaignId: string, analysis: string, variant: string, bucket: Bucket, stats: Stats, sign: 1 | -1) {
  const values = STAT_FIELDS.map((f) => sign * stats[f]);
  sql.exec(ADD, campaignId, analysis, variant, ...BUCKET_FIELDS.map((f) => bucket[f]), ...values);
  sql.exec(ADD_DAY, campaignId, analysis, variant, bucket.day, ...values);
  addToRevenueHistogram(sql, campaignId, analysis, variant, bucket.day, stats.rev, sign);
  if (sign < 0) {
    sql.exec(
      `DELETE FROM campaign_rollups WHERE campaign_id = ? AND analysis = ? AND variant = ? AND ${BUCKET_FIELDS.map((f) => `${f} = ?`).join(' AND ')} AND n <= 0`,
      campaignId, analysis, variant, ...BUCKET_FIELDS.map((f) => bucket[f]));
    sql.exec('DELETE FROM campaign_days WHERE campaign_id = ? AND analysis = ? AND variant = ? AND day = ? AND n <= 0', campaignId, analysis, variant, bucket.day);
  }
}

export interface Contribution {
  variant: string;
  entry: number;
  bucket: Bucket;
  stats: Stats;
}

/** Makes `next` the visitor's contribution (null: none, e.g. the visitor turned out to be a bot). */
export function setContribution(sql: SqlStorage, campaignId: string, analysis: Analysis, visitorId: string, next: Contribution | null): void {
  const old = sql
    .exec<{ variant: string; bucket: string; stats: string }>(
      'SELECT variant, bucket, stats FROM campaign_outcomes WHERE campaign_id = ? AND analysis = ? AND visitor_id = ?', campaignId, analysis, visitorId)
    .toArray()[0];
  if (old) {
    if (next && old.variant === next.variant && old.bucket === JSON.stringify(next.bucket) && old.stats === JSON.stringify(next.stats)) return;
    addToRollup(sql, campaignId, analysis, old.variant, JSON.parse(old.bucket), JSON.parse(old.stats), -1);
  }
  if (!next) {
    sql.exec('DELETE FROM campaign_outcomes WHERE campaign_id = ? AND analysis = ? AND visitor_id = ?', campaignId, analysis, visitorId);
    return;
  }
  addToRollup(sql, campaignId, analysis, next.variant, next.bucket, next.stats, 1);
  sql.exec(
    'INSERT OR REPLACE INTO campaign_outcomes (campaign_id, analysis, visitor_id, variant, entry, bucket, stats) VALUES (?, ?, ?, ?, ?, ?, ?)',
    campaignId, analysis, visitorId, next.variant, next.entry, JSON.stringify(next.bucket), JSON.stringify(next.stats));
}

/** A purchase's lookback for touches of a campaign the shard no longer knows (deleted). */
const DEFAULT_LOOKBACK_DAYS = 7;

/** What the shard knows of a campaign that outcomes need. */
export interface CampaignWindow {
  windowDays: number;
}

interface Assignment {
  campaign_id: string;
  variant: string;
  assigned_at: number;
  first_exposed_at: number | null;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Recomputes every campaign outcome of one visitor from their stored events: call after the
 * visitor's new events were applied. `segment` is the visitor's segment now; it is used only the
 * first time a contribution is made, so a visitor's row stays put as segments are retrained.
 * `excluded`: the visitor is a bot, and counts nowhere.
 */
export function refreshVisitorOutcomes(sql: SqlStorage, visitorId: string, campaigns: ReadonlyMap<string, CampaignWindow>, segment: string | null, excluded = false): void {
  const assignments = sql
    .exec<Assignment & Record<string, SqlStorageValue>>(
      'SELECT campaign_id, variant, assigned_at, first_exposed_at FROM campaign_assignments WHERE visitor_id = ?', visitorId)
    .toArray();
  if (!assignments.length) return;
  const known = assignments.filter((a) => campaigns.has(a.campaign_id));
  const from = Math.min(...assignments.map((a) => a.assigned_at)) - PRE_PERIOD_MS;
  const rows = sql.exec<{ name: string; ts: number; props: string; utm: string | null; device: string }>(VISITOR_EVENTS_SINCE, visitorId, from).toArray();
  const events: (OutcomeEvent & { utm: string | null; device: string })[] = rows.map((r) => ({ name: r.name, ts: r.ts, props: JSON.parse(r.props), utm: r.utm, device: r.device }));
  for (const a of known) {
    const campaign = campaigns.get(a.campaign_id)!;
    for (const analysis of ANALYSES) {
      const entry = analysis === 'itt' ? a.assigned_at : a.first_exposed_at;
      if (entry === null || excluded) {
        setContribution(sql, a.campaign_id, analysis, visitorId, null);
        continue;
      }
      const stored = sql
        .exec<{ bucket: string }>('SELECT bucket FROM campaign_outcomes WHERE campaign_id = ? AND analysis = ? AND visitor_id = ?', a.campaign_id, analysis, visitorId)
        .toArray()[0];
      const first = events.find((e) => e.ts >= entry) ?? events[events.length - 1];
      const utm = first?.utm ? (JSON.parse(first.utm) as { source?: string }) : null;
      // a visitor keeps the bucket of their first outcome, unless it was made before they had
      // any event (at the decision that assigned them): the events then tell device and source
      const made = stored ? (JSON.parse(stored.bucket) as Bucket) : null;
      const kept = made && made.device !== UNKNOWN_DEVICE ? made : null;
      const bucket: Bucket = {
        day: isoDay(entry),
        hour: new Date(entry).getUTCHours(),
        segment: made?.segment ?? segment ?? 'unsegmented', // as at entry: never what the visitor became after it
        device: kept?.device ?? first?.device ?? UNKNOWN_DEVICE,
        source: kept?.source ?? (utm?.source ? utm.source.slice(0, 100) : 'direct'),
      };
      const stats = visitorOutcome(events, a.campaign_id, entry, campaign.windowDays * 86_400_000);
      setContribution(sql, a.campaign_id, analysis, visitorId, { variant: a.variant, entry, bucket, stats });
    }
  }
  // Which campaigns the visitor's purchases followed (descriptive; never part of the uplift).
  const lookback = (id: string) => (campaigns.get(id)?.windowDays ?? DEFAULT_LOOKBACK_DAYS) * 86_400_000;
  refreshAttribution(sql, visitorId, events, new Map(assignments.map((a) => [a.campaign_id, a.variant])), lookback, excluded);
}

/** The device of a visitor with no event yet. */
const UNKNOWN_DEVICE = 'unknown';

export type RollupRow = { variant: string } & Bucket & Stats;

/**
 * The stats a campaign list and a breakdown read of each arm (visitors, conversions, revenue):
 * summing 3 of the 20 columns makes those reads several times cheaper.
 */
export const HEADLINE_FIELDS = ['n', 'conv', 'rev'] as const satisfies readonly StatField[];
export type HeadlineStats = Pick<Stats, (typeof HEADLINE_FIELDS)[number]>;
export type HeadlineRow = { variant: string } & Bucket & HeadlineStats;
export type Dimension = (typeof BUCKET_FIELDS)[number];

/**
 * The campaign's rollup rows for one analysis, entries from `fromDay` to `toDay` (inclusive),
 * summed in SQL over every dimension not in `group` (those read '' or -1 for the hour): a report
 * asks for the few dimensions it shows, so a shard answers a handful of rows, not one per visitor.
 * Without `group`, every stored row.
 */
export function campaignRollupRows(sql: SqlStorage, campaignId: string, analysis: Analysis, fromDay = '0000-00-00', toDay = '9999-99-99', group?: readonly Dimension[]): RollupRow[] {
  return campaignsRollupRows(sql, [campaignId], analysis, fromDay, toDay, group).get(campaignId) ?? [];
}

/**
 * campaignRollupRows of several campaigns in one statement (a statement costs more than its
 * rows here: the campaign list reads every campaign); each campaign's rows in the same order.
 */
export function campaignsRollupRows(sql: SqlStorage, campaignIds: readonly string[], analysis: Analysis, fromDay = '0000-00-00', toDay = '9999-99-99', group?: readonly Dimension[]): Map<string, RollupRow[]> {
  const out = new Map<string, RollupRow[]>(campaignIds.map((id) => [id, []]));
  const [select, ...bindings] = rollupSelect(campaignIds, analysis, fromDay, toDay, group);
  for (const { campaign_id: id, ...row } of sql.exec<RollupRow & { campaign_id: string } & Record<string, SqlStorageValue>>(select, ...bindings)) out.get(id)?.push(row);
  return out;
}

/** campaignsRollupRows as packRows text: the campaign id, then rollupRowColumns(fields) (unpackGrouped). */
export function packedRollupRows(sql: SqlStorage, campaignIds: readonly string[], analysis: Analysis, fromDay: string, toDay: string, group?: readonly Dimension[], fields: readonly StatField[] = STAT_FIELDS): string {
  const [select, ...bindings] = rollupSelect(campaignIds, analysis, fromDay, toDay, group, fields);
  return packRows(sql, select, ['campaign_id', 'variant', ...BUCKET_FIELDS, ...fields.map(integer)], ...bindings);
}

/** The columns of a packed rollup row with these stats, in their packed order. */
export const rollupRowColumns = (fields: readonly StatField[] = STAT_FIELDS) => ['variant', ...BUCKET_FIELDS, ...fields];

/**
 * The statement of campaignsRollupRows and its bindings: rows summed in SQL over every dimension
 * not in `group` (those read '' or -1 for the hour); without `group`, every stored row. Only
 * the stats in `fields`.
 */
function rollupSelect(campaignIds: readonly string[], analysis: Analysis, fromDay: string, toDay: string, group?: readonly Dimension[], fields: readonly StatField[] = STAT_FIELDS): [string, ...SqlStorageValue[]] {
  const kept = (f: Dimension) => !group || group.includes(f);
  // a dimension summed over reads '' (the hour -1), but the day its first day: the reports count
  // how many days of data they rest on (campaign-report.ts daysOfData)
  const dims = BUCKET_FIELDS.map((f) => (kept(f) ? f : f === 'day' ? 'min(day) AS day' : `${f === 'hour' ? -1 : "''"} AS ${f}`));
  const stats = group ? fields.map((f) => `sum(${f}) AS ${f}`) : fields;
  const groupBy = group ? ` GROUP BY campaign_id, variant${BUCKET_FIELDS.filter(kept).map((f) => `, ${f}`).join('')}` : '';
  // Grouped by the day at most: the per-day table holds the same sums in far fewer rows.
  const table = group && group.every((f) => f === 'day') ? 'campaign_days' : 'campaign_rollups';
  const where = `analysis = ? AND day >= ? AND day <= ?${groupBy}`;
  if (campaignIds.length === 1) {
    // one campaign (its own report): a plain key lookup
    return [`SELECT campaign_id, variant, ${dims.join(', ')}, ${stats.join(', ')} FROM ${table} WHERE campaign_id = ? AND ${where}`, campaignIds[0], analysis, fromDay, toDay];
  }
  return [`SELECT campaign_id, variant, ${dims.join(', ')}, ${stats.join(', ')} FROM ${table}
     WHERE campaign_id IN (SELECT value FROM json_each(?)) AND ${where}`, JSON.stringify(campaignIds), analysis, fromDay, toDay];
}

/** What a report reads of each campaign: the dimensions it groups by, which analyses, and whether the revenue histogram. */
export interface RollupShape {
  group: Dimension[];
  analyses: Analysis[];
  hist: boolean;
  /** The analyses' rows hold the HEADLINE_FIELDS only (HeadlineRow; the campaign list). */
  headline?: boolean;
  /**
   * Also the triggered analysis's arm totals (grouped by nothing), for the exposed counts, when
   * `analyses` leaves the triggered analysis out.
   */
  exposed?: boolean;
  /**
   * Also one analysis's rows grouped by the variant and one dimension only, for a breakdown
   * (the hour: of one `day`, grouped by that day and hour), while `group` serves the arms and
   * days. HeadlineRow: a breakdown shows no more.
   */
  breakdown?: { analysis: Analysis; by: Exclude<Dimension, 'day'>; day?: string };
}

/** The rows of a shape's breakdown (none asked: none), headline stats, packed as packedRollupRows. */
function packedBreakdownRows(sql: SqlStorage, campaignIds: readonly string[], fromDay: string, toDay: string, b: RollupShape['breakdown']): string {
  if (!b) return '[]';
  if (b.by !== 'hour') return packedRollupRows(sql, campaignIds, b.analysis, fromDay, toDay, [b.by], HEADLINE_FIELDS);
  const day = b.day ?? '';
  return day >= fromDay && day <= toDay ? packedRollupRows(sql, campaignIds, b.analysis, day, day, ['day', 'hour'], HEADLINE_FIELDS) : '[]';
}

/** What a shard answers for a report's campaigns: each part as packRows text, the campaign id first in every row. */
export interface PackedCampaignRollups {
  itt: string;
  triggered: string;
  hist: { itt: string; triggered: string };
  breakdown: string;
}

/**
 * The rollup rows of these campaigns that `shape` asks for (no shape: every stored row of both
 * analyses, and the histograms by day), entries from `fromDay` to `toDay` (UTC days, inclusive).
 */
export function packedCampaignRollups(sql: SqlStorage, campaignIds: readonly string[], fromDay: string, toDay: string, shape?: RollupShape): PackedCampaignRollups {
  const wanted = (a: Analysis) => !shape || shape.analyses.includes(a);
  const rows = (a: Analysis) => {
    if (wanted(a)) return packedRollupRows(sql, campaignIds, a, fromDay, toDay, shape?.group, shape?.headline ? HEADLINE_FIELDS : STAT_FIELDS);
    return a === 'triggered' && shape?.exposed ? packedRollupRows(sql, campaignIds, a, fromDay, toDay, []) : '[]';
  };
  const hist = (a: Analysis) => (!shape || (shape.hist && wanted(a)) ? packedHistogramRows(sql, campaignIds, a, fromDay, toDay, !shape) : '[]');
  return {
    itt: rows('itt'),
    triggered: rows('triggered'),
    hist: { itt: hist('itt'), triggered: hist('triggered') },
    breakdown: packedBreakdownRows(sql, campaignIds, fromDay, toDay, shape?.breakdown),
  };
}
