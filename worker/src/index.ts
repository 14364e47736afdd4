// The Linger collector: a Hono app on Cloudflare Workers.
import { Hono } from 'hono';
import type { AppEnv } from './env';
import { fail } from './http';
import { collect } from './routes/collect';
import { visitors } from './routes/visitors';

export { VisitorShard } from './visitor-shard';

const app = new Hono<AppEnv>();

app.get('/v1/health', (c) => c.json({ ok: true }));
app.route('/v1/collect', collect);
app.route('/v1/visitors', visitors);

app.notFound((c) => fail(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
app.onError((err, c) => {
  console.error('unhandled error', err);
  return fail(c, 500, 'internal error');
});

export default app;
