// Frequency caps: viewable impressions of a campaign per visitor per UTC day and per week (the
// day and the six before). Both arms count alike (the holdout's "would have seen it" exposures
// too), so a cap removes the same kind of visitor from each arm and the arms stay comparable.
import type { Caps } from './definition';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

export interface Exposures {
  today: number;
  week: number;
}

/** Counts one viewable impression of a campaign, on the day it happened. */
export function countExposure(sql: SqlStorage, campaignId: string, visitorId: string, ts: number): void {
  sql.exec(
    `INSERT INTO campaign_exposure_days (visitor_id, campaign_id, day, exposures) VALUES (?, ?, ?, 1)
     ON CONFLICT (visitor_id, campaign_id, day) DO UPDATE SET exposures = exposures + 1`,
    visitorId, campaignId, dayOf(ts),
  );
}

/** The visitor's impressions per campaign, today and over the week up to today. */
export function exposuresOf(sql: SqlStorage, visitorId: string, now: number): Map<string, Exposures> {
  const today = dayOf(now);
  const rows = sql
    .exec<{ campaign_id: string; today: number; week: number }>(
      `SELECT campaign_id, sum(CASE WHEN day = ? THEN exposures ELSE 0 END) AS today, sum(exposures) AS week
       FROM campaign_exposure_days WHERE visitor_id = ? AND day > ? AND day <= ? GROUP BY campaign_id`,
      today, visitorId, today - 7, today)
    .toArray();
  return new Map(rows.map((r) => [r.campaign_id, { today: r.today, week: r.week }]));
}

export function withinCaps(caps: Caps, seen: Exposures | undefined): boolean {
  if (!seen) return true;
  if (caps.per_day !== undefined && seen.today >= caps.per_day) return false;
  if (caps.per_week !== undefined && seen.week >= caps.per_week) return false;
  return true;
}
