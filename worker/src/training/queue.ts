// Retraining through a Cloudflare Queue: the cron enqueues one message per site and step, and
// the consumer runs one step for one site per message, so each invocation's work is bounded and
// one step failing (or one big shop) holds up no other. A failed step is retried a few times with
// backoff (the queue's max_retries bounds it too); the last good model serves meanwhile, and
// GET /v1/admin/models shows each attempt's error.
import type { Env } from '../env';
import type { TrainingStep } from '../models';
import { findSite } from '../sites';
import { runStep, TRAINING_STEPS } from '../training';

export interface TrainingMessage {
  site: string;
  step: TrainingStep;
}

/** Attempts of one step before its message is dropped (the next cron run tries again). */
export const STEP_ATTEMPTS = 3;
/** The queue accepts at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

const isTrainingMessage = (body: unknown): body is TrainingMessage =>
  !!body && typeof body === 'object' && typeof (body as TrainingMessage).site === 'string' && TRAINING_STEPS.includes((body as TrainingMessage).step);

/** The cron's whole job: one message per site × step. */
export async function enqueueRetraining(env: Env, sites: readonly string[]): Promise<number> {
  const messages = sites.flatMap((site) => TRAINING_STEPS.map((step) => ({ body: { site, step } satisfies TrainingMessage })));
  for (let i = 0; i < messages.length; i += SEND_BATCH) await env.TRAINING.sendBatch(messages.slice(i, i + SEND_BATCH));
  return messages.length;
}

/** The consumer: each message runs one step for one site; a failed step retries with backoff, a bounded number of times. */
export async function consumeTraining(batch: MessageBatch<unknown>, env: Env, _ctx?: ExecutionContext): Promise<void> {
  for (const message of batch.messages) {
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
    const outcome = await runStep(env, site, step, { wait: false });
    const failed = !!outcome && typeof outcome === 'object' && 'error' in outcome;
    if (failed && message.attempts < STEP_ATTEMPTS) message.retry({ delaySeconds: 30 * 2 ** (message.attempts - 1) });
    else message.ack();
  }
}
