// Admin actions on a site: retrain its models now (the cron trigger does it on a schedule), and
// see what serves, how each retraining step last went, and how far ingest scoring is behind.
import { Hono } from 'hono';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { currentVersions, stepStatuses, type TrainingStep } from '../models';
import { shardByIndex } from '../shards';
import { requireSite } from '../site-context';
import { retrainSite, runStep, TRAINING_STEPS } from '../training';
import type { ShardStatus } from '../visitor-shard';

export const admin = new Hono<AppEnv>();

/** Flagged sessions over the shards: the total and the count per reason. */
function botCounts(shards: ShardStatus[]) {
  const reasons = new Map<string, number>();
  for (const s of shards) for (const r of s.bots ?? []) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.sessions);
  return { sessions: [...reasons.values()].reduce((a, b) => a + b, 0), reasons: Object.fromEntries(reasons) };
}

admin.use(requireSite, requireKey('admin'));

// Every step now, or one (?step=intent|segments|recs); the cron runs them through the queue.
admin.post('/retrain', async (c) => {
  const step = c.req.query('step');
  if (step === undefined) return c.json(await retrainSite(c.env, c.get('site')));
  if (!TRAINING_STEPS.includes(step as TrainingStep)) return fail(c, 400, `step must be one of: ${TRAINING_STEPS.join(', ')}`);
  return c.json({ site: c.get('site').key, step, outcome: await runStep(c.env, c.get('site'), step as TrainingStep) });
});

admin.get('/models', async (c) => {
  const site = c.get('site');
  const [versions, training, shards] = await Promise.all([
    currentVersions(c.env.DB, site.key),
    stepStatuses(c.env.DB, site.key),
    Promise.allSettled(Array.from({ length: site.shards }, (_, i) => shardByIndex(c.env, site, i).status())),
  ]);
  const live: ShardStatus[] = shards.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  return c.json({
    site: site.key,
    models: {
      intent: versions.intent ?? { version: 0, kind: 'prior' },
      segments: versions.segments ?? null,
    },
    training,
    ingest: {
      pending: live.reduce((n, s) => n + s.pending, 0),
      quarantined: live.reduce((n, s) => n + s.quarantined, 0),
      undelivered_observations: live.reduce((n, s) => n + s.outbox, 0),
      unreachable_shards: shards.length - live.length,
      last_errors: live.map((s) => s.last_error).filter(Boolean),
    },
    // sessions flagged as bots, by reason: stored, but kept out of reports, trending, co-occurrence and training
    bots: botCounts(live),
  });
});
