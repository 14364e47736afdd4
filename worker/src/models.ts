// Trained models, versioned per site in D1, and cached per isolate so scoring reads D1 at most
// once a minute per site.
import type { IntentModel } from './ml/intent-model';
import type { SegmentModel } from './scoring/segments';

export interface StoredIntentModel {
  version: number;
  createdAt: number;
  features: readonly string[];
  model: IntentModel;
  metrics: unknown;
}

export interface StoredSegmentModel {
  version: number;
  createdAt: number;
  model: SegmentModel;
  metrics: unknown;
}

export interface SiteModels {
  intent: StoredIntentModel | null;
  segments: StoredSegmentModel | null;
}

const TTL_MS = 60_000;
const cache = new Map<string, { models: SiteModels; until: number }>();

async function latest<T>(db: D1Database, site: string, kind: string) {
  const row = await db
    .prepare('SELECT version, created_at, body, metrics FROM models WHERE site_key = ? AND kind = ? ORDER BY version DESC LIMIT 1')
    .bind(site, kind)
    .first<{ version: number; created_at: number; body: string; metrics: string }>();
  return row && { version: row.version, createdAt: row.created_at, ...(JSON.parse(row.body) as T), metrics: JSON.parse(row.metrics) };
}

export async function siteModels(db: D1Database, site: string): Promise<SiteModels> {
  const hit = cache.get(site);
  if (hit && hit.until > Date.now()) return hit.models;
  const models: SiteModels = {
    intent: await latest<Omit<StoredIntentModel, 'version' | 'createdAt' | 'metrics'>>(db, site, 'intent'),
    segments: await latest<Omit<StoredSegmentModel, 'version' | 'createdAt' | 'metrics'>>(db, site, 'segments'),
  };
  cache.set(site, { models, until: Date.now() + TTL_MS });
  return models;
}

/** Stores a new version of a model; returns its version number. */
export async function saveModel(db: D1Database, site: string, kind: 'intent' | 'segments', body: object, metrics: unknown): Promise<number> {
  const row = await db.prepare('SELECT coalesce(max(version), 0) AS v FROM models WHERE site_key = ? AND kind = ?').bind(site, kind).first<{ v: number }>();
  const version = (row?.v ?? 0) + 1;
  await db
    .prepare('INSERT INTO models (site_key, kind, version, created_at, body, metrics) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(site, kind, version, Date.now(), JSON.stringify(body), JSON.stringify(metrics))
    .run();
  cache.delete(site);
  return version;
}

export function clearModelCache() {
  cache.clear();
}
