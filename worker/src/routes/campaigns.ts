// The admin API for a site's campaigns: list, create, read, change, delete (admin key).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requireKey } from '../auth';
import { campaignJson, frozenChange, NAME_PATTERN, parseDefinition, statusAt, type Campaign } from '../campaigns/definition';
import { deleteCampaign, getCampaign, insertCampaign, listCampaigns, newCampaignId, replaceCampaign } from '../campaigns/store';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { requireSite } from '../site-context';

export const campaigns = new Hono<AppEnv>();

campaigns.use(requireSite, requireKey('admin'));
const limit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => fail(c, 413, 'a campaign is at most 64 KB') });

async function jsonBody(c: Context<AppEnv>): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: JSON.parse(await c.req.text()) };
  } catch {
    return { ok: false };
  }
}

/** The campaign named by the path, or the answer to give when there is none. */
async function found(c: Context<AppEnv>): Promise<Campaign | Response> {
  const id = c.req.param('id') ?? '';
  const campaign = NAME_PATTERN.test(id) ? await getCampaign(c.env.DB, c.get('site').key, id) : null;
  return campaign ?? fail(c, 404, `no campaign "${id.slice(0, 64)}" on site "${c.get('site').key}"`);
}

campaigns.get('/', async (c) => {
  const now = Date.now();
  return c.json({ campaigns: (await listCampaigns(c.env.DB, c.get('site').key)).map((x) => campaignJson(x, now)) });
});

campaigns.post('/', limit, async (c) => {
  const site = c.get('site');
  const body = await jsonBody(c);
  if (!body.ok) return fail(c, 400, 'body is not valid JSON');
  const now = Date.now();
  const parsed = parseDefinition(body.body, site.allowedOrigins, now);
  if (!parsed.ok) return fail(c, 400, parsed.error);
  const id = parsed.id ?? newCampaignId();
  const created = await insertCampaign(c.env.DB, site.key, id, parsed.definition, now);
  if (!created) return fail(c, 409, `campaign id "${id}" is already taken on site "${site.key}"`);
  return c.json(campaignJson(created, now), 201);
});

campaigns.get('/:id', async (c) => {
  const campaign = await found(c);
  return campaign instanceof Response ? campaign : c.json(campaignJson(campaign, Date.now()));
});

/** PUT replaces the fields the body names; fields left out keep their values. */
campaigns.put('/:id', limit, async (c) => {
  const before = await found(c);
  if (before instanceof Response) return before;
  const body = await jsonBody(c);
  if (!body.ok) return fail(c, 400, 'body is not valid JSON');
  if (typeof body.body !== 'object' || body.body === null || Array.isArray(body.body)) return fail(c, 400, 'a campaign must be a JSON object');
  // What GET answers may come back as is: its read-only fields are ignored, the id may not change,
  // and a status GET derived (ended: past its end) is not stored as the marketer's own.
  const now = Date.now();
  const { id, live, created_at, updated_at, ...changes } = body.body as Record<string, unknown>;
  if (id !== undefined && id !== before.id) return fail(c, 400, 'id: cannot change');
  // (With a new end, the status sent is the marketer's own: `{status: 'ended', end: null}` ends it.)
  const end = changes.end;
  const sameEnd = end === undefined || (end === null ? before.end === null : (typeof end === 'number' ? end : Date.parse(String(end))) === before.end);
  if (sameEnd && changes.status === statusAt(before, now) && statusAt(before, now) !== before.status) delete changes.status;
  const { id: _id, createdAt, updatedAt, ...current } = before;
  const site = c.get('site');
  const parsed = parseDefinition({ ...current, ...changes }, site.allowedOrigins, now);
  if (!parsed.ok) return fail(c, 400, parsed.error);
  const frozen = frozenChange(before, parsed.definition, now);
  if (frozen) return fail(c, 409, frozen);
  return c.json(campaignJson(await replaceCampaign(c.env.DB, site.key, before, parsed.definition, now), now));
});

campaigns.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const site = c.get('site');
  const deleted = NAME_PATTERN.test(id) && (await deleteCampaign(c.env.DB, site.key, id, Date.now()));
  return deleted ? c.json({ id, deleted: true }) : fail(c, 404, `no campaign "${id.slice(0, 64)}" on site "${site.key}"`);
});
