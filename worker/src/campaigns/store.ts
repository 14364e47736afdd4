// Campaigns per shop in D1. The admin API reads and writes D1 directly; /v1/decide reads a
// per-isolate copy that lives a few seconds, so serving does not query D1 on every request.
// A write through the API clears the copy of the isolate that made it at once; any other
// isolate sees the change within CAMPAIGN_CACHE_MS (docs/campaigns.md).
import type { Campaign, CampaignDefinition } from './definition';
import { reportsChanged } from '../reports/answer-cache';

export const CAMPAIGN_CACHE_MS = 10_000;
const cache = new Map<string, { campaigns: Campaign[]; until: number }>();

interface Row {
  campaign_id: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

const toCampaign = (r: Row): Campaign => ({ ...(JSON.parse(r.definition) as CampaignDefinition), id: r.campaign_id, createdAt: r.created_at, updatedAt: r.updated_at });

/** Highest priority first; ties by age, then id, so every server decides alike. */
const byPriority = (a: Campaign, b: Campaign) => b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A site's campaigns (not deleted), highest priority first. */
export async function listCampaigns(db: D1Database, site: string): Promise<Campaign[]> {
  const { results } = await db
    .prepare('SELECT campaign_id, definition, created_at, updated_at FROM campaigns WHERE site_key = ? AND deleted_at IS NULL')
    .bind(site)
    .all<Row>();
  return results.map(toCampaign).sort(byPriority);
}

/** The same list for serving, cached per isolate for a few seconds. */
export async function servingCampaigns(db: D1Database, site: string, now = Date.now()): Promise<Campaign[]> {
  const hit = cache.get(site);
  if (hit && hit.until > now) return hit.campaigns;
  const campaigns = await listCampaigns(db, site);
  if (cache.size >= 1_000) cache.clear();
  cache.set(site, { campaigns, until: now + CAMPAIGN_CACHE_MS });
  return campaigns;
}

export function clearCampaignCache(site?: string) {
  if (site === undefined) cache.clear();
  else cache.delete(site);
  reportsChanged(site); // kept report answers show the campaigns as they were (reports/answer-cache.ts)
}

export async function getCampaign(db: D1Database, site: string, id: string): Promise<Campaign | null> {
  const row = await db
    .prepare('SELECT campaign_id, definition, created_at, updated_at FROM campaigns WHERE site_key = ? AND campaign_id = ? AND deleted_at IS NULL')
    .bind(site, id)
    .first<Row>();
  return row && toCampaign(row);
}

/** A new id: 16 random hex digits. */
export const newCampaignId = () => `cmp_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;

/** Stores a new campaign; false when the id is taken (also by a deleted campaign). */
export async function insertCampaign(db: D1Database, site: string, id: string, definition: CampaignDefinition, now: number): Promise<Campaign | null> {
  const written = await db
    .prepare('INSERT OR IGNORE INTO campaigns (site_key, campaign_id, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .bind(site, id, JSON.stringify(definition), now, now)
    .run();
  clearCampaignCache(site);
  return written.meta.changes ? { ...definition, id, createdAt: now, updatedAt: now } : null;
}

export async function replaceCampaign(db: D1Database, site: string, before: Campaign, definition: CampaignDefinition, now: number): Promise<Campaign> {
  await db
    .prepare('UPDATE campaigns SET definition = ?, updated_at = ? WHERE site_key = ? AND campaign_id = ? AND deleted_at IS NULL')
    .bind(JSON.stringify(definition), now, site, before.id)
    .run();
  clearCampaignCache(site);
  return { ...definition, id: before.id, createdAt: before.createdAt, updatedAt: now };
}

/** Marks a campaign deleted; false when there was none. */
export async function deleteCampaign(db: D1Database, site: string, id: string, now: number): Promise<boolean> {
  const r = await db
    .prepare('UPDATE campaigns SET deleted_at = ?, updated_at = ? WHERE site_key = ? AND campaign_id = ? AND deleted_at IS NULL')
    .bind(now, now, site, id)
    .run();
  clearCampaignCache(site);
  return r.meta.changes > 0;
}
