// GET /v1/recs: ranked items for a visitor, each with its reason and the model version.
import { Hono } from 'hono';
import { ID_PATTERN, idProblem } from '../../../sdk/schema/events';
import { tokenHash } from '../access/visitor-token';
import { rateLimit } from '../access/rate-limit';
import { exposeErrors, requirePageOrigin, siteCors } from '../cors';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { serveRecs } from '../recs/serve';
import { shardOf } from '../shards';
import type { RecContext } from '../site-brain';
import { requireSite } from '../site-context';

export const recs = new Hono<AppEnv>();

recs.use(exposeErrors, requireSite, siteCors, requirePageOrigin, rateLimit);

const CONTEXTS: RecContext[] = ['home', 'product', 'cart'];

recs.get('/', async (c) => {
  const q = c.req.query();
  const context = (q.context ?? 'home') as RecContext;
  if (!CONTEXTS.includes(context)) return fail(c, 400, `context must be one of ${CONTEXTS.join(', ')}`);
  if (q.visitor && !ID_PATTERN.test(q.visitor)) return fail(c, 400, idProblem('visitor'));
  // A visitor's history is read only with the visitor's own token (access/visitor-token.ts).
  const hash = await tokenHash(q.token);
  if (q.visitor && !hash) return fail(c, 403, 'a visitor\'s recommendations need the visitor\'s token');
  if (context === 'product' && !q.item) return fail(c, 400, 'context=product needs item');
  if (q.item && q.item.length > 100) return fail(c, 400, 'item is at most 100 characters');
  const limit = Number(q.limit ?? 8);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) return fail(c, 400, 'limit must be an integer from 1 to 50');
  const site = c.get('site');
  const visitor = q.visitor
    ? await shardOf(c.env, site, q.visitor).recContext(q.visitor, hash!)
    : { views: [], recent: [], cart: [], bought: [], affinity: {} };
  if (!visitor) return fail(c, 403, 'token does not match visitor');
  const result = await serveRecs(c.env, { site: site.key, context, item: q.item, limit, ...visitor });
  return c.json({ visitor: q.visitor ?? null, context, item: q.item ?? null, ...result });
});
