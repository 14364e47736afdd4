// GET /v1/decide: one round trip per page view. Which campaign fills each of the page's slots for
// this visitor, with what content; slots without a campaign may fall back to recommendations.
import { Hono } from 'hono';
import { ID_PATTERN, idProblem } from '../../../sdk/schema/events';
import { DEFAULT_LIMIT, FALLBACK_TITLE, promotionContent, type SlotItems } from '../campaigns/content';
import type { CampaignRule, SlotDecision } from '../campaigns/decision';
import { HOLDOUT, isLive, NAME_PATTERN, PAGE_TYPES, type Campaign, type PageType } from '../campaigns/definition';
import { servingCampaigns } from '../campaigns/store';
import { rateLimit } from '../access/rate-limit';
import { tokenHash } from '../access/visitor-token';
import { exposeErrors, requirePageOrigin, siteCors } from '../cors';
import { deviceClass } from '../enrich';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { shardOf } from '../shards';
import { requireSite } from '../site-context';

export const decide = new Hono<AppEnv>();

decide.use(exposeErrors, requireSite, siteCors, requirePageOrigin, rateLimit);

const MAX_SLOTS = 10;
const slotList = (value: string | undefined) => [...new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
const rule = (c: Campaign): CampaignRule => ({
  id: c.id, type: c.type, slots: c.slots, priority: c.priority, caps: c.caps, targeting: c.targeting, holdout: c.holdout,
  variants:
    c.type === 'recommendation'
      ? c.variants.map((x) => ({ name: x.name, weight: x.weight, recs: { strategy: x.content.strategy, limit: x.content.limit ?? DEFAULT_LIMIT } }))
      : c.variants.map((x) => ({ name: x.name, weight: x.weight })),
});

decide.get('/', async (c) => {
  const q = c.req.query();
  if (!q.visitor || !ID_PATTERN.test(q.visitor)) return fail(c, 400, idProblem('visitor'));
  // Decisions reveal what the collector knows of the visitor: only their own browser may ask.
  const hash = await tokenHash(q.token);
  if (!hash) return fail(c, 403, 'decisions need the visitor\'s token');
  if (!(PAGE_TYPES as readonly string[]).includes(q.page ?? '')) return fail(c, 400, `page must be one of ${PAGE_TYPES.join(', ')}`);
  const slots = slotList(q.slots);
  const fallback = slotList(q.fallback);
  if (!slots.length || slots.length > MAX_SLOTS || !slots.every((s) => NAME_PATTERN.test(s))) {
    return fail(c, 400, `slots must list 1-${MAX_SLOTS} slot names (1-64 characters of A-Z, a-z, 0-9, _ or -), comma separated`);
  }
  const stray = fallback.find((s) => !slots.includes(s));
  if (stray) return fail(c, 400, `fallback slot "${stray.slice(0, 64)}" is not in slots`);
  if (q.item !== undefined && (!q.item || q.item.length > 100)) return fail(c, 400, 'item must be 1-100 characters');
  if (q.category !== undefined && q.category.length > 200) return fail(c, 400, 'category is at most 200 characters');
  if (q.exit !== undefined && !['0', '1'].includes(q.exit)) return fail(c, 400, 'exit must be 1 or 0');
  const utm = { source: q.utm_source, medium: q.utm_medium, campaign: q.utm_campaign };
  if (Object.values(utm).some((u) => u !== undefined && u.length > 200)) return fail(c, 400, 'utm_source, utm_medium and utm_campaign are at most 200 characters');
  c.header('Cache-Control', 'private, no-store');

  const site = c.get('site');
  const now = Date.now();
  const asked = new Set(slots);
  const live = (await servingCampaigns(c.env.DB, site.key)).filter((x) => isLive(x, now) && x.slots.some((s) => asked.has(s)));
  if (!live.length && !fallback.length) return c.json({ decisions: [] });

  const page = { page: q.page as PageType, category: q.category || null, exit: q.exit === '1' };
  const item = q.item ?? null;
  // One call: the shard decides, records, and asks the recommender for the slots that need items.
  const answer = await shardOf(c.env, site, q.visitor).decide(q.visitor, hash, {
    site: site.key,
    campaigns: live.map(rule),
    slots,
    fallback,
    page,
    item,
    device: deviceClass(c.req.header('user-agent') ?? ''),
    utm: utm.source || utm.medium || utm.campaign ? utm : null,
    now,
  });
  if (!answer) return fail(c, 403, 'token does not match visitor');
  const byId = new Map(live.map((x) => [x.id, x]));
  const recs = new Map(answer.recs.map((r) => [r.slot, r]));
  const decided = answer.decisions.map((d) => ({ slot: d.slot, campaign: d.campaign, variant: d.variant, decision_id: d.decision_id, content: contentOf(byId.get(d.campaign)!, d, recs, page.category) }));
  const fallbacks = answer.recs
    .filter((r) => !answer.decisions.some((d) => d.slot === r.slot))
    .map(({ slot, strategy, items }) => ({ slot, campaign: null, variant: null, decision_id: null, content: { type: 'recommendation' as const, strategy, title: FALLBACK_TITLE, items } }));
  return c.json({ decisions: [...decided, ...fallbacks] });
});

/** A decided slot's content: none for the holdout, the creative of a promotion, the items of a recommendation. */
function contentOf(campaign: Campaign, d: SlotDecision, recs: ReadonlyMap<string, SlotItems>, category: string | null) {
  if (d.variant === HOLDOUT) return null;
  if (campaign.type === 'promotion') {
    const variant = campaign.variants.find((x) => x.name === d.variant);
    return variant ? promotionContent(variant.content, category) : null;
  }
  const variant = campaign.variants.find((x) => x.name === d.variant);
  if (!variant) return null;
  const { title, strategy } = variant.content;
  return { type: 'recommendation' as const, title, strategy, items: recs.get(d.slot)?.items ?? [] };
}
