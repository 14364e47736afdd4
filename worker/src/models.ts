// Trained models, versioned per site in D1, and cached per isolate so scoring reads D1 at most
// once a minute per site.
import type { ServedIntentModel } from './ml/calibrated-intent';
import type { Clip } from './ml/robust';
import type { ItemRates } from './scoring/item-rates';
import type { SegmentModel } from './scoring/segments';

export interface StoredIntentModel {
  version: number;
  createdAt: number;
  features: readonly string[];
  /** A calibrated model, or a plain one stored before calibration served (both score by `predictIntent`). */
  model: ServedIntentModel;
  /** The feature range the model was trained on; features are clipped into it before scoring. */
  clip?: Clip;
  /** The item table its last features read (scoring/item-rates.ts); absent from models without them. */
  items?: ItemRates | null;
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

export type TrainingStep = 'intent' | 'segments' | 'recs';

export interface StepStatus {
  last_run: number;
  last_ok: number | null;
  last_error: string | null;
  last_error_at: number | null;
  last_result: unknown;
}

/** Records one retraining step's outcome: its result, or its error (the last success stays). */
export async function recordStep(db: D1Database, site: string, step: TrainingStep, outcome: { result: unknown } | { error: string }, now = Date.now()): Promise<void> {
  const ok = 'result' in outcome;
  await db
    .prepare(
      `INSERT INTO training_steps (site_key, step, last_run, last_ok, last_error, last_error_at, last_result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (site_key, step) DO UPDATE SET last_run = ?3, last_ok = coalesce(?4, last_ok),
       last_error = coalesce(?5, last_error), last_error_at = coalesce(?6, last_error_at), last_result = coalesce(?7, last_result)`,
    )
    .bind(site, step, now, ok ? now : null, ok ? null : outcome.error, ok ? null : now, ok ? JSON.stringify(outcome.result) : null)
    .run();
}

/** Every step's last run, success and error. */
export async function stepStatuses(db: D1Database, site: string): Promise<Partial<Record<TrainingStep, StepStatus>>> {
  const { results } = await db.prepare('SELECT * FROM training_steps WHERE site_key = ?').bind(site).all<StepStatus & { step: TrainingStep; last_result: string | null }>();
  return Object.fromEntries(results.map(({ step, last_result, ...r }) => [step, { ...r, last_result: last_result ? JSON.parse(last_result) : null }]));
}

/** The versions serving now (read from D1, not the cache). */
export async function currentVersions(db: D1Database, site: string) {
  const { results } = await db
    .prepare('SELECT kind, max(version) AS version, max(created_at) AS created_at FROM models WHERE site_key = ? GROUP BY kind')
    .bind(site)
    .all<{ kind: string; version: number; created_at: number }>();
  return Object.fromEntries(results.map((r) => [r.kind, { version: r.version, created_at: r.created_at }]));
}
