// The cron's work through a Cloudflare Queue: the cron enqueues one message per site for its raw
// events' archive and retention (each shard archives its part), and one per site and training step.
// The consumer runs one step for one site per message (a larger shop's intent step is a run of
// parts: each part's message sends the next one, training/intent.ts), so each invocation's work is bounded and
// one step failing (or one big shop) holds up no other. A failed step is retried a few times with
// backoff (the queue's max_retries bounds it too); the last good model serves meanwhile, and
// GET /v1/admin/models shows each attempt's error.
import type { Env } from '../env';
import type { TrainingStep } from '../models';
import { shardByIndex } from '../shards';
import { findSite } from '../sites';
import { runStep, TRAINING_STEPS, type IntentProgress } from '../training';
import { mostMembers } from './intent';

export interface TrainingMessage {
  site: string;
  step: TrainingStep;
  /** A later part of an intent run (training/intent.ts): the run's id and the part to run. */
  run?: string;
  part?: number;
}

/** Attempts of one step before its message is dropped (the next cron run tries again). */
export const STEP_ATTEMPTS = 3;
/** The queue accepts at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

const isTrainingMessage = (body: unknown): body is TrainingMessage => {
  if (!body || typeof body !== 'object') return false;
  const m = body as TrainingMessage;
  if (typeof m.site !== 'string' || !TRAINING_STEPS.includes(m.step)) return false;
  if (m.run === undefined && m.part === undefined) return true;
  // a run's later part: its id as the step made it, a part the run can have
  return m.step === 'intent' && typeof m.run === 'string' && /^[\w-]{1,64}$/.test(m.run) && Number.isInteger(m.part) && m.part! >= 1 && m.part! <= mostMembers() + 1;
};

/** A site's daily care of its raw events: each shard archives finished days to R2 and applies the retention. */
export interface ArchiveMessage {
  site: string;
  archive: true;
}

/** What the queue carries. */
export type CronMessage = TrainingMessage | ArchiveMessage;

const isArchiveMessage = (body: unknown): body is ArchiveMessage =>
  !!body && typeof body === 'object' && (body as ArchiveMessage).archive === true && typeof (body as ArchiveMessage).site === 'string';

/** The cron's whole job: one archive message per site, and one message per site × training step. */
export async function enqueueRetraining(env: Env, sites: readonly string[]): Promise<number> {
  const messages = sites.flatMap((site) => [
    { body: { site, archive: true } satisfies ArchiveMessage },
    ...TRAINING_STEPS.map((step) => ({ body: { site, step } satisfies TrainingMessage })),
  ]);
  for (let i = 0; i < messages.length; i += SEND_BATCH) await env.TRAINING.sendBatch(messages.slice(i, i + SEND_BATCH));
  return messages.length;
}

/** The consumer: each message runs one step for one site; a failed step retries with backoff, a bounded number of times. */
export async function consumeTraining(batch: MessageBatch<unknown>, env: Env, _ctx?: ExecutionContext): Promise<void> {
  for (const message of batch.messages) {
    if (isArchiveMessage(message.body)) {
      await archiveSite(env, message as Message<ArchiveMessage>);
      continue;
    }
    if (!isTrainingMessage(message.body)) {
      console.error('dropping a malformed training message', JSON.stringify(message.body)?.slice(0, 200));
      message.ack();
      continue;
    }
    const { site: key, step } = message.body;
    const site = await findSite(env.DB, key).catch(() => undefined);
    if (site === undefined) {
      message.retry({ delaySeconds: 30 }); // D1 unreachable: try again
      continue;
    }
    if (!site) {
      message.ack(); // the shop is gone
      continue;
    }
    const { run, part } = message.body;
    const outcome = await runStep(env, site, step, { wait: false, part: run ? { run, part: part! } : undefined });
    const failed = !!outcome && typeof outcome === 'object' && 'error' in outcome;
    if (failed && message.attempts < STEP_ATTEMPTS) message.retry({ delaySeconds: 30 * 2 ** (message.attempts - 1) });
    else {
      // an intent run goes on in its next part, one invocation each
      if (outcome && typeof outcome === 'object' && 'part' in outcome) {
        const next = outcome as IntentProgress;
        await env.TRAINING.send({ site: key, step, run: next.run, part: next.part } satisfies TrainingMessage);
      }
      message.ack();
    }
  }
}

/** One site's archive: all its shards (a subrequest each), retried with backoff when one fails. */
async function archiveSite(env: Env, message: Message<ArchiveMessage>): Promise<void> {
  const key = message.body.site;
  try {
    const site = await findSite(env.DB, key);
    if (!site) return message.ack(); // the shop is gone
    const parts = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).archive(i, site.settings.retentionDays)));
    console.log('archived', key, JSON.stringify(parts.map((p) => p.archived.length)), 'late days completed', JSON.stringify(parts.map((p) => p.completed.length)), 'purged', parts.reduce((n, p) => n + p.purged, 0));
    message.ack();
  } catch (err) {
    console.error(`archiving ${key} failed`, err);
    // what a shard did is done; the next attempt (or the next cron) does the rest
    if (message.attempts < STEP_ATTEMPTS) message.retry({ delaySeconds: 30 * 2 ** (message.attempts - 1) });
    else message.ack();
  }
}
