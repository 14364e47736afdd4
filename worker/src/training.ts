// Retraining a site's models, on the cron schedule and on demand: gather finished sessions and
// visitors from every shard, pick the best intent model by cross-validation, cluster visitors
// into segments, and rebuild the recommender's neighbour lists. Each step runs and fails on its
// own; a step that cannot produce a sound model leaves the last good one (or the prior) serving,
// and its outcome is recorded for the admin (GET /v1/admin/models).
import type { Env } from './env';
import { selectIntentModel, type CvScore, type ModelKind } from './ml/intent-model';
import { allFinite, clipRow, fitClip, isFiniteRow } from './ml/robust';
import { recordStep, saveModel, type TrainingStep } from './models';
import { INTENT_FEATURES } from './scoring/intent-features';
import { trainSegments } from './scoring/segments';
import { shardByIndex } from './shards';
import type { Site } from './sites';

/** Below these, the documented prior model keeps serving. */
export const MIN_TRAINING_SESSIONS = 100;
export const MIN_TRAINING_PURCHASES = 10;
/** Cross-validation needs at least this many rows of each class (one per fold at least). */
const MIN_FOLDS = 2;

type Outcome<T> = T | { skipped: string } | { error: string };

export interface TrainingReport {
  site: string;
  sessions: number;
  purchases: number;
  intent: Outcome<{ version: number; kind: string; cv: unknown }>;
  segments: Outcome<{ version: number; names: string[]; silhouette: number }>;
  recommender: Outcome<{ version: number; items: number; sessions: number }>;
}

interface Sessions {
  x: number[][];
  y: number[];
}

/** The intent model for these sessions, or why there is none: too few, one class, or an unsound result. */
export function trainIntent(data: Sessions): { skipped: string } | { model: ReturnType<typeof selectIntentModel>['model']; kind: ModelKind; cv: Record<ModelKind, CvScore>; clip: ReturnType<typeof fitClip>; sessions: number; purchases: number } {
  const keep = data.x.map((row, i) => i).filter((i) => isFiniteRow(data.x[i]) && (data.y[i] === 0 || data.y[i] === 1));
  const y = keep.map((i) => data.y[i]);
  const purchases = y.filter((v) => v === 1).length;
  const others = y.length - purchases;
  if (y.length < MIN_TRAINING_SESSIONS || purchases < MIN_TRAINING_PURCHASES) {
    return { skipped: `needs ${MIN_TRAINING_SESSIONS} finished sessions and ${MIN_TRAINING_PURCHASES} purchases; has ${y.length} and ${purchases}` };
  }
  if (others < MIN_FOLDS) return { skipped: `needs sessions without a purchase too; has ${others}` };
  const clip = fitClip(keep.map((i) => data.x[i]));
  const X = keep.map((i) => clipRow(clip, data.x[i]));
  const selection = selectIntentModel(X, y, { folds: Math.min(5, purchases, others) });
  if (!allFinite(selection.model)) return { skipped: `the ${selection.kind} model came out non-finite; the last good model keeps serving` };
  return { ...selection, clip, sessions: y.length, purchases };
}

/** Runs one step, recording its outcome; an error becomes part of the report, never a throw. */
async function step<T>(env: Env, site: Site, name: TrainingStep, run: () => Promise<T>): Promise<T | { error: string }> {
  let outcome: T | { error: string };
  try {
    outcome = await run();
  } catch (err) {
    console.error(`retraining ${site.key}: ${name} failed`, err);
    outcome = { error: String((err as Error)?.message ?? err).slice(0, 500) };
  }
  try {
    const failed = outcome && typeof outcome === 'object' && 'error' in outcome;
    await recordStep(env.DB, site.key, name, failed ? (outcome as { error: string }) : { result: outcome });
  } catch (err) {
    console.error(`recording ${name} for ${site.key} failed`, err);
  }
  return outcome;
}

export async function retrainSite(env: Env, site: Site, now = Date.now()): Promise<TrainingReport> {
  const data = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(now))).then(
    (parts) => ({ sessions: parts.flatMap((p) => p.sessions), visitors: parts.flatMap((p) => p.visitors) }),
    (err: unknown) => ({ error: `reading the shards failed: ${String((err as Error)?.message ?? err)}` }),
  );
  const noData = 'error' in data ? data.error : null;
  const sessions = 'error' in data ? [] : data.sessions;
  const visitors = 'error' in data ? [] : data.visitors;

  const intent = await step(env, site, 'intent', async () => {
    if (noData) throw new Error(noData);
    const trained = trainIntent({ x: sessions.map((s) => s.x), y: sessions.map((s) => s.y) });
    if ('skipped' in trained) return trained;
    const version = await saveModel(env.DB, site.key, 'intent', { features: INTENT_FEATURES, model: trained.model, clip: trained.clip }, { cv: trained.cv, sessions: trained.sessions, purchases: trained.purchases });
    return { version, kind: trained.kind, cv: trained.cv };
  });

  const segments = await step(env, site, 'segments', async () => {
    if (noData) throw new Error(noData);
    const buyers = visitors.filter((v) => v.purchases > 0).map((v) => ({ days: v.days, purchases: v.purchases, revenue: v.revenue }));
    const model = trainSegments(visitors.map((v) => v.x), buyers);
    if (!model) return { skipped: visitors.length < 20 ? `needs 20 visitors; has ${visitors.length}` : 'the visitors did not form sound segments; the last good model keeps serving' };
    const version = await saveModel(env.DB, site.key, 'segments', { model }, { visitors: visitors.length, k: model.names.length, silhouette: model.silhouette });
    return { version, names: model.names, silhouette: model.silhouette };
  });

  const recommender = await step(env, site, 'recs', () => env.BRAIN.get(env.BRAIN.idFromName(site.key)).rebuild());
  return { site: site.key, sessions: sessions.length, purchases: sessions.filter((s) => s.y).length, intent, segments, recommender };
}
