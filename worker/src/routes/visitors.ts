// Admin inspection of what the collector stored for one visitor.
import { Hono } from 'hono';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { shardOf } from '../shards';
import { requireSite } from '../site-context';

export const visitors = new Hono<AppEnv>();

visitors.use(requireSite, requireKey('admin'));

visitors.get('/:id/events', async (c) => {
  const id = c.req.param('id');
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return fail(c, 400, 'visitor id must be 8-64 characters of A-Z, a-z, 0-9, _ or -');
  const limit = Number(c.req.query('limit') ?? 1_000);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail(c, 400, 'limit must be an integer from 1 to 10000');
  const shard = shardOf(c.env, c.get('site'), id);
  const [events, summary] = await Promise.all([shard.events(id, limit), shard.visitor(id)]);
  return c.json({ visitor_id: id, summary, events });
});
