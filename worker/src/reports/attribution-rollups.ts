// Attribution rollups in a visitor shard: per purchase day × campaign × model, the purchases
// (in PURCHASE_UNITS) and revenue (cents) credited. Like the campaign rollups, each visitor's
// current credits are kept beside them and recomputed from the visitor's stored events, so a
// late, resent or out-of-order event moves credit instead of adding it twice.
import { visitorCredits, type AttributionModel, type Credit } from './attribution';
import type { OutcomeEvent } from './outcomes';
import { packRows } from './packed';

export function migrateAttribution(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS attribution_rollups (
      model TEXT NOT NULL, day TEXT NOT NULL, campaign_id TEXT NOT NULL,
      purchases INTEGER NOT NULL DEFAULT 0, revenue INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (model, day, campaign_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS attribution_credits (visitor_id TEXT PRIMARY KEY, credits TEXT NOT NULL) WITHOUT ROWID;`);
}

function add(sql: SqlStorage, credits: readonly Credit[], sign: 1 | -1) {
  for (const [model, campaign, day, units, cents] of credits) {
    sql.exec(
      `INSERT INTO attribution_rollups (model, day, campaign_id, purchases, revenue) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (model, day, campaign_id) DO UPDATE SET purchases = purchases + excluded.purchases, revenue = revenue + excluded.revenue`,
      model, day, campaign, sign * units, sign * cents);
    if (sign < 0) sql.exec('DELETE FROM attribution_rollups WHERE model = ? AND day = ? AND campaign_id = ? AND purchases <= 0', model, day, campaign);
  }
}

/**
 * Makes the visitor's credits those of their stored `events` (sorted by time, from their first
 * assignment on: no touch can be older). `arms`: campaign → the visitor's arm; `lookbackMs` per
 * campaign. `excluded`: a bot, credited nowhere.
 */
export function refreshAttribution(
  sql: SqlStorage, visitorId: string, events: readonly OutcomeEvent[], arms: ReadonlyMap<string, string>,
  lookbackMs: (campaignId: string) => number, excluded: boolean,
): void {
  const next = excluded ? [] : visitorCredits(events, arms, lookbackMs);
  const stored = sql.exec<{ credits: string }>('SELECT credits FROM attribution_credits WHERE visitor_id = ?', visitorId).toArray()[0];
  const text = JSON.stringify(next);
  if ((stored?.credits ?? '[]') === text) return;
  if (stored) add(sql, JSON.parse(stored.credits) as Credit[], -1);
  add(sql, next, 1);
  if (next.length) sql.exec('INSERT OR REPLACE INTO attribution_credits (visitor_id, credits) VALUES (?, ?)', visitorId, text);
  else sql.exec('DELETE FROM attribution_credits WHERE visitor_id = ?', visitorId);
}

export interface AttributionRow {
  day: string;
  campaign_id: string;
  purchases: number;
  revenue: number;
}

export const ATTRIBUTION_ROW_COLUMNS = ['day', 'campaign_id', 'purchases', 'revenue'] as const;

/** The model's rollup rows, purchase days from `from` to `to` (inclusive), as packRows text of ATTRIBUTION_ROW_COLUMNS. */
export function packedAttributionRows(sql: SqlStorage, model: AttributionModel, from: string, to: string): string {
  return packRows(sql, 'SELECT day, campaign_id, purchases, revenue FROM attribution_rollups WHERE model = ? AND day >= ? AND day <= ?', ATTRIBUTION_ROW_COLUMNS, model, from, to);
}
