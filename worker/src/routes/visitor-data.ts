// A visitor's data is theirs (admin key): everything stored about them, and their erasure
// everywhere: the shard (events, sessions, profile, assignments, outcomes), the archived raw
// events in R2, and their sessions in the shop's recommender. Only aggregate rollups stay.
import { Hono } from 'hono';
import { ID_PATTERN, idProblem } from '../../../sdk/schema/events';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { shardIndex, shardOf } from '../shards';
import { requireSite } from '../site-context';

export const visitorData = new Hono<AppEnv>();

visitorData.use(requireSite, requireKey('admin'));

visitorData.get('/:id/export', async (c) => {
  const id = c.req.param('id');
  if (!ID_PATTERN.test(id)) return fail(c, 400, idProblem('visitor id'));
  const data = await shardOf(c.env, c.get('site'), id).exportVisitor(id);
  if (!data) return fail(c, 404, `no visitor ${id} on site "${c.get('site').key}"`);
  c.header('content-disposition', `attachment; filename="visitor-${id}.json"`);
  return c.json({ visitor_id: id, site: c.get('site').key, exported_at: new Date().toISOString(), data });
});

visitorData.delete('/:id', async (c) => {
  const id = c.req.param('id');
  if (!ID_PATTERN.test(id)) return fail(c, 400, idProblem('visitor id'));
  const site = c.get('site');
  const stub = shardOf(c.env, site, id);
  const erased = await stub.eraseVisitor(id);
  // The visitor's sessions out of the recommender, and the archived days that held their events
  // rewritten without them. The shard keeps both lists until this is done: if the recommender or
  // R2 fails, the same DELETE sent again finds them again.
  // (The shard rewrites the archived days itself, in turn with its daily archive's uploads.)
  let archives = 0;
  try {
    if (erased.sessions.length) await c.env.BRAIN.get(c.env.BRAIN.idFromName(site.key)).forgetSessions(erased.sessions);
    archives = await stub.rewriteArchivedDays(id, erased.days, shardIndex(site, id));
  } catch (err) {
    c.header('retry-after', '60');
    return fail(c, 503, `the visitor's data is erased from the shard, but the recommender or the archives could not be reached (${String(err).slice(0, 200)}): send the same DELETE again`);
  }
  await stub.erasureComplete(id);
  return c.json({ visitor_id: id, erased: true, deleted: erased.deleted, archives_rewritten: archives, recommender_sessions: erased.sessions.length });
});
