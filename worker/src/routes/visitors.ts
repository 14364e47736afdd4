// Admin inspection of one visitor: what the collector stored, and what Linger made of it.
import { Hono } from 'hono';
import { ID_PATTERN, idProblem } from '../../../sdk/schema/events';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { shardOf } from '../shards';
import { requireSite } from '../site-context';

export const visitors = new Hono<AppEnv>();

visitors.use(requireSite, requireKey('admin'));

const BAD_ID = idProblem('visitor id');

visitors.get('/:id/profile', async (c) => {
  const id = c.req.param('id');
  if (!ID_PATTERN.test(id)) return fail(c, 400, BAD_ID);
  const profile = await shardOf(c.env, c.get('site'), id).profile(c.get('site').key, id);
  return profile ? c.json(profile) : fail(c, 404, `no visitor ${id} on site "${c.get('site').key}"`);
});

visitors.get('/:id/events', async (c) => {
  const id = c.req.param('id');
  if (!ID_PATTERN.test(id)) return fail(c, 400, BAD_ID);
  const limit = Number(c.req.query('limit') ?? 1_000);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail(c, 400, 'limit must be an integer from 1 to 10000');
  const shard = shardOf(c.env, c.get('site'), id);
  const [events, summary] = await Promise.all([shard.events(id, limit), shard.visitor(id)]);
  return c.json({ visitor_id: id, summary, events });
});
