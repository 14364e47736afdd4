// Retraining a site's models, one step at a time: the calibrated intent model (the recipe
// `npm run bench:intent` measures),
// the visitor segments, and the recommender's rebuild. Each step reads only its own bounded,
// stratified sample of the shards (training/sample.ts), so its memory and CPU do not grow with
// the shop. Each step runs and fails on its own; a step that cannot produce a sound model leaves
// the last good one (or the prior) serving, and its outcome is recorded for the admin
// (GET /v1/admin/models). The cron enqueues one message per site and step (training/queue.ts);
// the admin's "retrain now" and the tests call the same `runStep` directly.
import type { Env } from './env';
import { shiftCalibrator } from './ml/calibration';
import { fitCalibratedIntent, SERVED_RECIPE, type CalibratedIntentModel, type IntentRecipe } from './ml/calibrated-intent';
import type { CvScore } from './ml/intent-model';
import { averagePrecision, rocAuc } from './ml/metrics';
import { seededRandom } from './ml/random';
import { allFinite, clipRow, fitClip, isFiniteRow, type Clip } from './ml/robust';
import { recordStep, saveModel, type TrainingStep } from './models';
import { INTENT_FEATURES } from './scoring/intent-features';
import { trainSegments } from './scoring/segments';
import { shardByIndex } from './shards';
import type { Site } from './sites';
import { INTENT_ROWS, mergeSamples, perShard, priorShift, SAMPLE_CAPS, stratifiedSubset, type SampleCaps, type ShardSample } from './training/sample';

/** Below these, the documented prior model keeps serving. */
export const MIN_TRAINING_SESSIONS = 100;
export const MIN_TRAINING_PURCHASES = 10;
/** Cross-validation needs at least this many rows of each class (one per fold at least). */
const MIN_FOLDS = 2;
/**
 * Rows × boosting rounds of one tree ensemble at most: what bounds a training's CPU whatever the
 * data. Up to 10,000 rows a shop boosts up to 400 rounds; beyond, fewer rounds at a higher rate.
 */
export const ROW_ROUNDS = 4_000_000;

/**
 * What a shop trains: the served recipe (SERVED_RECIPE, what bench:intent measures) with its
 * calibrator fitted on 3 folds' out-of-fold predictions instead of 5, and at most 400 rounds
 * (fewer above 10,000 rows: rows × rounds ≤ ROW_ROUNDS, the rate raised as the rounds are cut,
 * so rate × rounds stays 20, and the calibrator fitted on 2 folds: each half still holds
 * thousands of rows, and it saves one ensemble), so that with INTENT_ROWS rows one invocation stays well within
 * 10 s of CPU whatever the data (npm run bench:train-scale). On YooChoose's validation period
 * (3 sample seeds), 20,000 rows at rate 0.1 reached AUC 0.7431 / AP 0.1790 against 0.7453 /
 * 0.1781 at 0.05, for half the CPU: 0.05 took about 11 s there, over the limit; 2 calibration
 * folds instead of 3 left AUC and AP as they were (ECE 0.0066 against 0.0065) for 30 % less
 * CPU. Leaves of 50 rows suit
 * thousands of sessions; a small shop's trees could not split at all, so below 2,000 rows the
 * fewest rows in a leaf is a 40th of them (at least 5).
 */
export function shopRecipe(rows: number): IntentRecipe {
  const minLeaf = Math.min(SERVED_RECIPE.gbdt.minLeaf ?? 50, Math.max(5, Math.floor(rows / 40)));
  const trees = Math.max(50, Math.min(400, Math.floor(ROW_ROUNDS / Math.max(1, rows))));
  const rate = ((SERVED_RECIPE.gbdt.rate ?? 0.05) * 400) / trees;
  return { ...SERVED_RECIPE, folds: trees < 400 ? 2 : 3, gbdt: { ...SERVED_RECIPE.gbdt, trees, rate, minLeaf } };
}

export const TRAINING_STEPS: readonly TrainingStep[] = ['intent', 'segments', 'recs'];

type Outcome<T> = T | { skipped: string } | { error: string };

export interface TrainingReport {
  site: string;
  sessions: number;
  purchases: number;
  intent: Outcome<{ version: number; kind: string; cv: unknown; sessions: number; purchases: number }>;
  segments: Outcome<{ version: number; names: string[]; silhouette: number }>;
  recommender: Outcome<{ version: number; items: number; sessions: number }>;
}

interface Sessions {
  x: number[][];
  y: number[];
}

export interface TrainedIntent {
  model: CalibratedIntentModel;
  kind: CalibratedIntentModel['kind'];
  /** Out-of-fold AUC and AP of the trees on the rows trained on (the sample's class rates). */
  cv: { calibrated: CvScore };
  clip: Clip;
  sessions: number;
  purchases: number;
  /** Rows the model was trained on: at most INTENT_ROWS, stratified. */
  rows: number;
  /** Log-odds added to the calibrated score to undo the rows' class rates (0 when they are the shop's). */
  priorShift: number;
}

/**
 * The intent model for these sessions, or why there is none: too few, one class, or an unsound
 * result. It trains the calibrated recipe on at most INTENT_ROWS rows (stratified). `population`
 * is how many of each class the shop has, when the rows are a stratified sample of it: the
 * calibrated score is moved back to the shop's rate.
 */
export function trainIntent(data: Sessions, population?: { purchases: number; others: number }): { skipped: string } | TrainedIntent {
  const keep = data.x.map((row, i) => i).filter((i) => isFiniteRow(data.x[i]) && (data.y[i] === 0 || data.y[i] === 1));
  const y = keep.map((i) => data.y[i]);
  const purchases = y.filter((v) => v === 1).length;
  const others = y.length - purchases;
  if (y.length < MIN_TRAINING_SESSIONS || purchases < MIN_TRAINING_PURCHASES) {
    return { skipped: `needs ${MIN_TRAINING_SESSIONS} finished sessions and ${MIN_TRAINING_PURCHASES} purchases; has ${y.length} and ${purchases}` };
  }
  if (others < MIN_FOLDS) return { skipped: `needs sessions without a purchase too; has ${others}` };
  const clip = fitClip(keep.map((i) => data.x[i]));
  const subset = stratifiedSubset(y, INTENT_ROWS, seededRandom(11));
  const sy = subset.map((i) => y[i]);
  const sX = subset.map((i) => clipRow(clip, data.x[keep[i]]));
  const { model: fitted, oof } = fitCalibratedIntent(sX, sy, shopRecipe(sy.length));
  const sPurchases = sy.filter((v) => v === 1).length;
  // the calibrator learned the rows' purchase rate; the shop's is lower when buyers were kept more often
  const shift = priorShift({ purchases: sPurchases, others: sy.length - sPurchases }, population ?? { purchases, others });
  const model: CalibratedIntentModel = { ...fitted, calibrator: shiftCalibrator(fitted.calibrator, shift) };
  if (!allFinite(model)) return { skipped: 'the intent model came out non-finite; the last good model keeps serving' };
  const cv = { calibrated: { auc: rocAuc(sy, oof), ap: averagePrecision(sy, oof) } };
  return { model, kind: model.kind, cv, clip, sessions: y.length, purchases, rows: sy.length, priorShift: shift };
}

/** Every shard's share of a bounded sample, as one; `want` zeroes the parts a step does not need. */
export async function sampleSite(env: Env, site: Site, now: number, want: Partial<SampleCaps>): Promise<ShardSample> {
  const caps = { ...perShard(SAMPLE_CAPS, site.shards), ...want };
  const parts = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(now, caps)));
  return mergeSamples(parts);
}

async function intentStep(env: Env, site: Site, now: number) {
  const sample = await sampleSite(env, site, now, { visitors: 0, buyers: 0 });
  const trained = trainIntent({ x: sample.sessions.map((s) => s.x), y: sample.sessions.map((s) => s.y) }, sample.population);
  if ('skipped' in trained) return trained;
  const { purchases, others } = sample.population;
  const version = await saveModel(env.DB, site.key, 'intent', { features: INTENT_FEATURES, model: trained.model, clip: trained.clip }, {
    cv: trained.cv, sessions: trained.sessions, purchases: trained.purchases, rows: trained.rows, rounds: trained.model.rounds,
    calibrator: trained.model.calibrator.kind, population: { sessions: purchases + others, purchases }, prior_shift: trained.priorShift,
  });
  return { version, kind: trained.kind, cv: trained.cv, sessions: trained.sessions, purchases: trained.purchases };
}

async function segmentsStep(env: Env, site: Site, now: number) {
  const sample = await sampleSite(env, site, now, { purchases: 0, others: 0 });
  const { visitors, buyers } = sample;
  const model = trainSegments(visitors.map((v) => v.x), buyers.map((v) => ({ days: v.days, purchases: v.purchases, revenue: v.revenue })));
  if (!model) return { skipped: visitors.length < 20 ? `needs 20 visitors; has ${visitors.length}` : 'the visitors did not form sound segments; the last good model keeps serving' };
  const version = await saveModel(env.DB, site.key, 'segments', { model }, { visitors: visitors.length, population: sample.population.visitors, k: model.names.length, silhouette: model.silhouette });
  return { version, names: model.names, silhouette: model.silhouette };
}

const brainOf = (env: Env, site: Site) => env.BRAIN.get(env.BRAIN.idFromName(site.key));

export interface StepOptions {
  now?: number;
  /**
   * true (the admin, tests): the recommender's rebuild runs to completion before this returns.
   * false (the queue): it is started and the brain's alarm runs it, recording its own outcome.
   */
  wait?: boolean;
}

/** Runs one step for one site, recording its outcome; an error becomes the outcome, never a throw. */
export async function runStep(env: Env, site: Site, name: TrainingStep, { now = Date.now(), wait = true }: StepOptions = {}): Promise<Outcome<unknown>> {
  let outcome: Outcome<unknown>;
  try {
    if (name === 'intent') outcome = await intentStep(env, site, now);
    else if (name === 'segments') outcome = await segmentsStep(env, site, now);
    else if (wait) outcome = await brainOf(env, site).rebuild(site.key);
    else return { started: await brainOf(env, site).scheduleRebuild(site.key) }; // the brain records it when done
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

/** Every step for one site, in this invocation, the recommender's rebuild to completion (the admin's "retrain now"). */
export async function retrainSite(env: Env, site: Site, now = Date.now()): Promise<TrainingReport> {
  const intent = (await runStep(env, site, 'intent', { now })) as TrainingReport['intent'];
  const segments = (await runStep(env, site, 'segments', { now })) as TrainingReport['segments'];
  const recommender = (await runStep(env, site, 'recs', { now })) as TrainingReport['recommender'];
  const trained = intent && typeof intent === 'object' && 'version' in intent ? (intent as { sessions: number; purchases: number }) : null;
  return { site: site.key, sessions: trained?.sessions ?? 0, purchases: trained?.purchases ?? 0, intent, segments, recommender };
}
