// Retraining a site's models, on the cron schedule and on demand: gather finished sessions and
// visitors from every shard, pick the best intent model by cross-validation, cluster visitors
// into segments, and rebuild the recommender's neighbour lists.
import type { Env } from './env';
import { selectIntentModel } from './ml/intent-model';
import { saveModel } from './models';
import { INTENT_FEATURES } from './scoring/intent-features';
import { trainSegments } from './scoring/segments';
import { shardByIndex } from './shards';
import type { Site } from './sites';

/** Below these, the documented prior model keeps serving. */
export const MIN_TRAINING_SESSIONS = 100;
export const MIN_TRAINING_PURCHASES = 10;

export interface TrainingReport {
  site: string;
  sessions: number;
  purchases: number;
  intent: { version: number; kind: string; cv: unknown } | { skipped: string };
  segments: { version: number; names: string[]; silhouette: number } | { skipped: string };
  recommender: { version: number; items: number; sessions: number };
}

export async function retrainSite(env: Env, site: Site, now = Date.now()): Promise<TrainingReport> {
  const parts = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(now)));
  const sessions = parts.flatMap((p) => p.sessions);
  const visitors = parts.flatMap((p) => p.visitors);
  const purchases = sessions.filter((s) => s.y).length;

  let intent: TrainingReport['intent'];
  if (sessions.length < MIN_TRAINING_SESSIONS || purchases < MIN_TRAINING_PURCHASES) {
    intent = { skipped: `needs ${MIN_TRAINING_SESSIONS} finished sessions and ${MIN_TRAINING_PURCHASES} purchases; has ${sessions.length} and ${purchases}` };
  } else {
    const folds = Math.min(5, purchases, sessions.length - purchases);
    const selection = selectIntentModel(sessions.map((s) => s.x), sessions.map((s) => s.y), { folds });
    const version = await saveModel(env.DB, site.key, 'intent', { features: INTENT_FEATURES, model: selection.model }, { cv: selection.cv, sessions: sessions.length, purchases });
    intent = { version, kind: selection.kind, cv: selection.cv };
  }

  let segments: TrainingReport['segments'];
  const model = trainSegments(visitors.map((v) => v.x), visitors.filter((v) => v.purchases > 0).map((v) => ({ days: v.days, purchases: v.purchases, revenue: v.revenue })));
  if (!model) segments = { skipped: `needs 20 visitors; has ${visitors.length}` };
  else {
    const version = await saveModel(env.DB, site.key, 'segments', { model }, { visitors: visitors.length, k: model.names.length, silhouette: model.silhouette });
    segments = { version, names: model.names, silhouette: model.silhouette };
  }

  const recommender = await env.BRAIN.get(env.BRAIN.idFromName(site.key)).rebuild();
  return { site: site.key, sessions: sessions.length, purchases, intent, segments, recommender };
}
