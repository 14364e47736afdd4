// Retraining a site's models, one step at a time: the calibrated intent model (the recipe
// `npm run bench:intent` measures),
// the visitor segments, and the recommender's rebuild. Each step reads only its own bounded,
// stratified sample of the shards (training/sample.ts), so its memory and CPU do not grow with
// the shop. Each step runs and fails on its own; a step that cannot produce a sound model leaves
// the last good one (or the prior) serving, and its outcome is recorded for the admin
// (GET /v1/admin/models). The cron enqueues one message per site and step (training/queue.ts);
// the admin's "retrain now" and the tests call the same `runStep` directly.
import type { Env } from './env';
import { recordStep, saveModel, type TrainingStep } from './models';
import { featureNames } from './scoring/intent-features';
import { trainSegments } from './scoring/segments';
import { shardByIndex } from './shards';
import type { Site } from './sites';
import { beginIntentRun, clearIntentRun, continueIntentRun, sessionsOf, type PartOutcome, type RunStore, type TrainedIntent } from './training/intent';
import { mergeSamples, perShard, SAMPLE_CAPS, type SampleCaps, type ShardSample } from './training/sample';

export { MIN_TRAINING_PURCHASES, MIN_TRAINING_SESSIONS, ROW_ROUNDS, shopRecipe, trainIntent, type TrainedIntent } from './training/intent';

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

/** Every shard's share of a bounded sample, as one; `want` zeroes the parts a step does not need. */
export async function sampleSite(env: Env, site: Site, now: number, want: Partial<SampleCaps>): Promise<ShardSample> {
  const caps = { ...perShard(SAMPLE_CAPS, site.shards), ...want };
  const parts = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(now, caps)));
  return mergeSamples(parts);
}

/** A site's intent run, kept between its invocations in R2 (the sample holds features and labels only, no ids). */
export function intentRunStore(env: Env, site: Site): RunStore {
  const key = (k: string) => `training/${site.key}/intent/${k}`;
  return {
    get: async (k) => {
      const object = await env.ARCHIVE.get(key(k));
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    put: async (k, bytes) => void (await env.ARCHIVE.put(key(k), bytes)),
    delete: async (keys) => env.ARCHIVE.delete(keys.map(key)),
  };
}

/** Where an intent run stands after one invocation: the part to run next, when it is not over. */
export interface IntentProgress {
  run: string;
  part: number;
  parts: number;
}

/**
 * One invocation of the intent step: part 0 samples the shards and plans the run (a small
 * sample trains at once), later parts continue run `run` (training/intent.ts). The model is
 * saved only by the part that finishes the run.
 */
async function intentStep(env: Env, site: Site, now: number, part?: { run: string; part: number }) {
  const store = intentRunStore(env, site);
  let outcome: PartOutcome;
  let run: string;
  if (!part) {
    const sample = await sampleSite(env, site, now, { visitors: 0, buyers: 0 });
    run = `${now}-${crypto.randomUUID().slice(0, 8)}`;
    outcome = await beginIntentRun(store, run, sessionsOf(sample.sessions), sample.population);
  } else {
    run = part.run;
    outcome = await continueIntentRun(store, run, part.part);
  }
  if ('stale' in outcome) return { skipped: outcome.stale };
  if ('next' in outcome) return { run, part: outcome.next, parts: outcome.parts } satisfies IntentProgress;
  const trained = outcome.done;
  if ('skipped' in trained) return trained;
  const version = await saveIntent(env, site, trained);
  await clearIntentRun(store); // this run's parts, or an older run's left behind: a newer model serves now
  return { version, kind: trained.kind, cv: trained.cv, sessions: trained.sessions, purchases: trained.purchases };
}

async function saveIntent(env: Env, site: Site, trained: TrainedIntent) {
  return saveModel(env.DB, site.key, 'intent', { features: featureNames(trained.items), model: trained.model, clip: trained.clip, items: trained.items }, {
    cv: trained.cv, sessions: trained.sessions, purchases: trained.purchases, rows: trained.rows, rounds: trained.model.rounds, members: trained.members,
    calibrator: trained.model.calibrator.kind, population: { sessions: trained.population.purchases + trained.population.others, purchases: trained.population.purchases }, prior_shift: trained.priorShift,
  });
}

const isProgress = (o: unknown): o is IntentProgress => !!o && typeof o === 'object' && 'run' in o && 'part' in o;

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
   * true (the admin, tests): the step runs to completion before this returns (every part of an
   * intent run, the recommender's whole rebuild): at 1 M sessions about 6 s of CPU for the intent
   * run's 10 parts and 5 s for the rebuild (`bench:train-scale`), within the 30 s a request may
   * use; the queue keeps each invocation to one part. false (the queue): one invocation's work; an
   * intent run returns its progress (the queue sends the next part), the recommender's rebuild
   * is started and the brain's alarm runs it, recording its own outcome.
   */
  wait?: boolean;
  /** The intent run's part to run (the queue's later messages); none: a new run. */
  part?: { run: string; part: number };
}

/** Runs one step for one site, recording its outcome; an error becomes the outcome, never a throw. */
export async function runStep(env: Env, site: Site, name: TrainingStep, { now = Date.now(), wait = true, part }: StepOptions = {}): Promise<Outcome<unknown>> {
  let outcome: Outcome<unknown>;
  try {
    if (name === 'intent') {
      outcome = await intentStep(env, site, now, part);
      while (wait && isProgress(outcome)) outcome = await intentStep(env, site, now, outcome);
      // a run under way is no outcome yet: its last part records one (its errors are recorded below)
      if (isProgress(outcome)) return outcome;
    } else if (name === 'segments') outcome = await segmentsStep(env, site, now);
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
