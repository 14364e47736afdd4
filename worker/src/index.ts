// The Linger collector: a Hono app on Cloudflare Workers, plus the scheduled retraining.
import { Hono } from 'hono';
import type { AppEnv, Env } from './env';
import { fail } from './http';
import { admin } from './routes/admin';
import { campaigns } from './routes/campaigns';
import { collect } from './routes/collect';
import { decide } from './routes/decide';
import { importEvents } from './routes/import';
import { recs } from './routes/recs';
import { reports } from './routes/reports';
import { siteAdmin, sites } from './routes/sites';
import { visitorData } from './routes/visitor-data';
import { visitors } from './routes/visitors';
import { withPathPrefix } from './path-prefix';
import { consumeTraining, enqueueRetraining } from './training/queue';

export { SiteBrain } from './site-brain';
export { VisitorShard } from './visitor-shard';

const app = new Hono<AppEnv>();

app.get('/v1/health', (c) => c.json({ ok: true }));
app.route('/v1/collect', collect);
app.route('/v1/recs', recs);
app.route('/v1/visitors', visitors);
app.route('/v1/admin/campaigns', campaigns);
app.route('/v1/admin/import', importEvents);
app.route('/v1/admin/visitors', visitorData);
app.route('/v1/reports', reports);
app.route('/v1/admin', admin);
app.route('/v1/decide', decide);
app.route('/v1/admin', siteAdmin);
app.route('/v1/sites', sites);

app.notFound((c) => fail(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
app.onError((err, c) => {
  console.error('unhandled error', err);
  return fail(c, 500, 'internal error');
});

/**
 * The cron trigger only enqueues: per site, one message to archive its raw events (each shard its
 * part) and one per training step; the queue consumer does the work, one bounded invocation a
 * message, so neither many shops nor one broken shop row holds the others up.
 */
async function scheduled(_controller: ScheduledController, env: Env, _ctx: ExecutionContext) {
  const { results } = await env.DB.prepare('SELECT site_key FROM sites').all<{ site_key: string }>();
  const queued = await enqueueRetraining(env, results.map((r) => r.site_key));
  console.log('cron work queued', queued);
}

export default { fetch: withPathPrefix(app.fetch), scheduled, queue: consumeTraining } satisfies ExportedHandler<Env>;
