// What a decided slot shows: a promotion's creative with its placeholders filled in, or items
// from the site's recommender for a recommendation strategy. Plain data; the renderer shows text
// as text.
import { catalogOf } from '../catalog';
import type { Env } from '../env';
import type { RecContext, RecRequest } from '../site-brain';
import type { CampaignRule, Decided } from './decision';
import { HOLDOUT, type PromotionContent, type Strategy } from './definition';

/** What the visitor's shard tells recommendations (VisitorShard.recContext). */
export interface VisitorRecContext {
  views: string[];
  recent: string[];
  cart: string[];
  bought: string[];
  affinity: Record<string, number>;
}

export interface RecItem {
  item_id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  reason: string;
}

export const FALLBACK_TITLE = 'Recommended for you';
export const DEFAULT_LIMIT = 8;

/** What a fallback slot shows: on a product's page, what goes with that product; elsewhere, what suits the visitor. */
export const fallbackStrategy = (item: string | null): Strategy => (item ? 'similar' : 'personal');

/** A slot that shows recommendations, and which. */
export interface SlotAsk {
  slot: string;
  strategy: Strategy;
  limit: number;
}

/** A slot's recommended items. */
export interface SlotItems extends SlotAsk {
  items: RecItem[];
}

/** The slots of a page's decisions that show recommendations: treated recommendation campaigns, then open fallbacks. */
export function slotAsks(campaigns: readonly CampaignRule[], decided: Decided, item: string | null): SlotAsk[] {
  const byId = new Map(campaigns.map((c) => [c.id, c]));
  const asks: SlotAsk[] = [];
  for (const d of decided.decisions) {
    if (d.variant === HOLDOUT) continue;
    const recs = byId.get(d.campaign)?.variants.find((x) => x.name === d.variant)?.recs;
    if (recs) asks.push({ slot: d.slot, ...recs });
  }
  for (const slot of decided.open) asks.push({ slot, strategy: fallbackStrategy(item), limit: DEFAULT_LIMIT });
  return asks;
}

/** Each slot's items, all asked at once; slots asking for the same strategy and limit share one call. */
export async function slotItems(env: Env, site: string, asks: readonly SlotAsk[], item: string | null, visitor: VisitorRecContext): Promise<SlotItems[]> {
  const calls = new Map<string, Promise<RecItem[]>>();
  const itemsOf = (a: SlotAsk) => {
    const key = `${a.strategy}|${a.limit}`;
    let call = calls.get(key);
    if (!call) calls.set(key, (call = recommendationItems(env, site, { strategy: a.strategy, limit: a.limit, item, visitor })));
    return call;
  };
  return Promise.all(asks.map(async (a) => ({ ...a, items: await itemsOf(a) })));
}

/** A promotion's content: the creative, with `{code}` and `{category}` replaced in its text fields. */
export function promotionContent(creative: PromotionContent, category: string | null) {
  const values: Record<string, string> = { code: creative.code ?? '', category: category ?? '' };
  const fill = (s: string) => s.replace(/\{(code|category)\}/g, (_, name: string) => values[name]);
  return {
    type: 'promotion' as const,
    ...creative,
    title: fill(creative.title),
    text: fill(creative.text),
    ...(creative.cta === undefined ? {} : { cta: fill(creative.cta) }),
  };
}

export interface RecAsk {
  strategy: Strategy;
  limit: number;
  /** The product the page shows, if any. */
  item: string | null;
  visitor: VisitorRecContext;
}

/**
 * Items for a strategy. "personal" blends the visitor's session, recent views and trending;
 * "similar" is the recommender's product context around the page's item (or the last viewed);
 * "bought_together" its cart context around the item and the cart; "trending" ignores the
 * visitor except for what they have or bought; "recently_viewed" is the visitor's own list.
 * Without the item they need, "similar" and "bought_together" fall back to "personal".
 */
export async function recommendationItems(env: Env, site: string, ask: RecAsk): Promise<RecItem[]> {
  const { visitor, limit, item } = ask;
  if (ask.strategy === 'recently_viewed') {
    const catalog = await catalogOf(env.DB, site);
    const skip = new Set([...visitor.cart, ...(item ? [item] : [])]);
    return visitor.recent
      .filter((id) => !skip.has(id) && (!catalog.size || catalog.get(id)?.inStock))
      .slice(0, limit)
      .map((id) => {
        const p = catalog.get(id);
        return { item_id: id, name: p?.name ?? null, category: p?.category ?? null, price: p?.price ?? null, reason: 'recently_viewed' };
      });
  }
  const base = { site, limit, ...visitor };
  let req: RecRequest = { ...base, context: 'home' as RecContext };
  const anchor = item ?? visitor.recent[0];
  if (ask.strategy === 'similar' && anchor) req = { ...base, context: 'product', item: anchor };
  if (ask.strategy === 'bought_together' && (item || visitor.cart.length)) req = { ...base, context: 'cart', cart: item ? [item, ...visitor.cart] : visitor.cart };
  if (ask.strategy === 'trending') req = { ...base, context: 'home', views: [], recent: [], affinity: {} };
  const brain = env.BRAIN.get(env.BRAIN.idFromName(site));
  const { items } = await brain.recommend(req);
  return items.map((r) => ({ item_id: r.item_id, name: r.name ?? null, category: r.category ?? null, price: r.price ?? null, reason: r.reason }));
}
