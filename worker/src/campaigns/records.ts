// What a visitor's shard records about campaigns: every assignment (both arms), and later its
// viewable impressions and clicks, which arrive as events through POST /v1/collect. These rows
// are what the campaign reports turn into intent-to-treat (assigned) and triggered (exposed)
// comparisons, so times are the collector's (server-corrected), never a client's claim.
import { countExposure } from './caps';

/** The shard's campaign tables; idempotent, run when the shard starts. */
export function migrateCampaignTables(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS campaign_assignments (
      campaign_id      TEXT NOT NULL,
      visitor_id       TEXT NOT NULL,
      variant          TEXT NOT NULL,   -- the arm from the hash: a variant's name or "holdout"
      assigned_at      INTEGER NOT NULL, -- server ms of the first decision (or an earlier impression of imported history)
      first_exposed_at INTEGER,          -- event ts of the first viewable impression, either arm, never before assigned_at
      exposures        INTEGER NOT NULL DEFAULT 0,
      clicks           INTEGER NOT NULL DEFAULT 0,
      last_decision_id TEXT,            -- the assigning decision, then the decision of the latest impression
      mismatches       INTEGER NOT NULL DEFAULT 0, -- events whose claimed variant was not this arm
      PRIMARY KEY (campaign_id, visitor_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS campaign_assignments_by_visitor ON campaign_assignments (visitor_id);
    CREATE TABLE IF NOT EXISTS campaign_exposure_days (
      visitor_id  TEXT NOT NULL,
      campaign_id TEXT NOT NULL,
      day         INTEGER NOT NULL,  -- UTC day number (ms / 86,400,000) of the event
      exposures   INTEGER NOT NULL,
      PRIMARY KEY (visitor_id, campaign_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS campaign_unmatched (
      campaign_id TEXT PRIMARY KEY,    -- slot events naming a campaign the visitor was never assigned
      events      INTEGER NOT NULL
    ) WITHOUT ROWID;`);
}

/** The visitor's arm in a campaign as recorded, or null before their first decision in it. */
export function recordedArm(sql: SqlStorage, campaignId: string, visitorId: string): string | null {
  return sql
    .exec<{ variant: string }>('SELECT variant FROM campaign_assignments WHERE campaign_id = ? AND visitor_id = ?', campaignId, visitorId)
    .toArray()[0]?.variant ?? null;
}

/**
 * Records a first assignment (`arm` from the hash) with its decision. Only first decisions write,
 * and a Durable Object's answer waits until its writes are durable, so an answer never names an
 * arm that is not on record.
 */
export function recordAssignment(sql: SqlStorage, campaignId: string, visitorId: string, arm: string, decisionId: string, now: number): void {
  sql.exec(
    'INSERT OR IGNORE INTO campaign_assignments (campaign_id, visitor_id, variant, assigned_at, last_decision_id) VALUES (?, ?, ?, ?, ?)',
    campaignId, visitorId, arm, now, decisionId,
  );
}

/** The fields of a stored event this module reads. */
export interface CampaignEventRow {
  visitor_id: string;
  name: string;
  ts: number;
  /** When the server received it; an admin import's events are received at their own time (enrich.ts ClockRules.vouched). */
  received_at: number;
}

/** Distinct campaign ids a shard counts unmatched slot events of. */
export const MAX_UNMATCHED_CAMPAIGNS = 1_000;

const EXPOSURES = new Set(['view_promotion', 'view_item_list']);
const CLICKS = new Set(['select_promotion', 'select_item']);

/** Whether applyCampaignEvent may write for an event of this name (exposures and clicks only). */
export const isCampaignEvent = (name: string) => EXPOSURES.has(name) || CLICKS.has(name);

/**
 * Applies one newly stored event (call exactly once per event, in the shard's apply loop).
 * `view_promotion` / `view_item_list` with a `campaign_id`: the slot became viewable (for the
 * holdout, with the default content); `select_promotion` / `select_item`: a click. Counted on
 * the arm the visitor was assigned, whatever variant the event claims; a differing claim is
 * counted as a mismatch. Events for a campaign the visitor was never assigned are counted apart.
 */
export function applyCampaignEvent(sql: SqlStorage, row: CampaignEventRow, props: Record<string, unknown>): void {
  const exposure = EXPOSURES.has(row.name);
  if (!exposure && !CLICKS.has(row.name)) return;
  const campaignId = props.campaign_id;
  if (typeof campaignId !== 'string' || !campaignId) return;
  const assigned = sql
    .exec<{ variant: string; assigned_at: number }>(
      'SELECT variant, assigned_at FROM campaign_assignments WHERE campaign_id = ? AND visitor_id = ?', campaignId, row.visitor_id)
    .toArray()[0];
  // No assignment yet: decide applies the visitor's stored events before it records one, so an
  // event stored before the decision is counted here, never as an impression of a later decision.
  if (!assigned) {
    // bounded: any page may send any campaign id, and ids past the bound are not counted
    if (!sql.exec('UPDATE campaign_unmatched SET events = events + 1 WHERE campaign_id = ?', campaignId).rowsWritten) {
      sql.exec('INSERT INTO campaign_unmatched (campaign_id, events) SELECT ?, 1 WHERE (SELECT count(*) FROM campaign_unmatched) < ?', campaignId, MAX_UNMATCHED_CAMPAIGNS);
    }
    return;
  }
  const mismatch = typeof props.variant === 'string' && props.variant !== assigned.variant ? 1 : 0;
  if (exposure) {
    const decisionId = typeof props.decision_id === 'string' ? props.decision_id : null;
    // The assignment's time is the server's decision. An impression follows the decision that
    // showed it, so a page's impression stamped earlier (a client's clock, or an event queued
    // offline) counts from the decision: a page can never date the entry, or the outcomes, back
    // before it. Only history the server received at its own time (an admin import of a past
    // campaign) dates the assignment back to its first impression. min() and max() leave the
    // times as they are when the same event comes twice.
    const assignedAt = Math.min(assigned.assigned_at, Math.max(row.ts, row.received_at));
    const exposedAt = Math.max(row.ts, assignedAt);
    sql.exec(
      `UPDATE campaign_assignments SET exposures = exposures + 1, mismatches = mismatches + ?2,
         first_exposed_at = min(coalesce(first_exposed_at, ?1), ?1), assigned_at = ?6,
         last_decision_id = coalesce(?5, last_decision_id)
       WHERE campaign_id = ?3 AND visitor_id = ?4`,
      exposedAt, mismatch, campaignId, row.visitor_id, decisionId, assignedAt,
    );
    countExposure(sql, campaignId, row.visitor_id, row.ts);
  } else {
    sql.exec('UPDATE campaign_assignments SET clicks = clicks + 1, mismatches = mismatches + ? WHERE campaign_id = ? AND visitor_id = ?', mismatch, campaignId, row.visitor_id);
  }
}
