// The one recommendation ranking: which sources a context reads, how they blend, and the
// business filters. SiteBrain serves it from its SQLite stores; `npm run bench:recs` runs the
// same functions on in-memory stores, so the benchmark measures what /v1/recs serves.
//
// Per request the work is bounded whatever the shop's size: VSTAN reads at most `sampleSize`
// candidate sessions for the last MAX_SESSION_CLICKS views, sequential rules the newest
// `sessions` sessions holding one item, co-occurrence precomputed top-50 lists of the anchors,
// trending a cached top list; the product page's ranker scores at most 50 candidates per source.
import type { CatalogItem } from '../catalog';
import { bestFirst } from './best-first';
import { DEFAULT_RANKER } from './default-ranker';
import { rankerScores, type Ranker } from './ranker';
import type { Source, SourceKey } from './sources';

export type { Source, SourceKey } from './sources';

export type Reason = 'viewed_together' | 'bought_together' | 'session_similar' | 'trending' | 'recently_viewed' | 'category_affinity';
export type RecContext = 'home' | 'product' | 'cart';

export interface RecRequest {
  site: string;
  context: RecContext;
  item?: string;
  limit: number;
  /** Items viewed in the current session, in order. */
  views: string[];
  recent: string[];
  cart: string[];
  bought: string[];
  affinity: Record<string, number>;
  /** At most this many items of one category. */
  perCategory?: number;
}

export interface Recommendation {
  item_id: string;
  score: number;
  reason: Reason;
  name?: string;
  category?: string;
  price?: number;
}

/** What the blend reads from a site's models. */
export interface RecModels {
  /** Co-occurrence neighbours of an item: "view" within sessions, "buy" within baskets. */
  neighbours(kind: 'view' | 'buy', item: string): readonly { item: string; score: number }[];
  /** Session-based scores (VSTAN) of the current session's views, newest last, at time `now`. */
  session(views: readonly string[], now: number): ReadonlyMap<string, number>;
  /** Sequential-rule scores: what followed the item in past sessions. */
  sequential(item: string): ReadonlyMap<string, number>;
  /** The trending items with their scores, at least `limit` of them when there are. */
  trending(limit: number): ReadonlyMap<string, number>;
  /** How many of the indexed sessions viewed the item. */
  popularity(item: string): number;
}

const REASON: Record<SourceKey, Reason> = {
  bought_together: 'bought_together',
  viewed_together: 'viewed_together',
  session: 'session_similar',
  sequential: 'viewed_together',
  reminder: 'recently_viewed',
  recent: 'recently_viewed',
  trending: 'trending',
};

export interface BlendWeights {
  /** Weight of each source per context; a source without weight is not read. */
  contexts: Record<RecContext, Partial<Record<SourceKey, number>>>;
  /** Reminder: a view k clicks back counts decay^k (repeats add up). */
  reminderDecay: number;
  /** The score is multiplied by 1 + affinity × (the category's share of the visitor's top affinity). */
  affinity: number;
  /**
   * The product page's learned ranker: it orders the candidates instead of the weighted sum
   * (the weights still name each item's reason). Without it, the weighted sum ranks.
   */
  ranker?: Ranker;
}

/**
 * What serves. The product page is ordered by the learned ranker, trained on the validation
 * periods of yoochoose-100k and yoochoose-1pct pooled (`npm run bench:recs -- --write-ranker`,
 * docs/evaluation.md); its features are free of the shop's scale. The product weights (tuned
 * on yoochoose-1pct's validation period) still name each item's reason, and every product
 * source keeps a weight, since the ranker reads only the sources a context reads. Cart and
 * home keep hand-set weights, since no public dataset has their shape.
 */
export const DEFAULT_BLEND: BlendWeights = {
  contexts: {
    product: { bought_together: 0.05, viewed_together: 0.3, session: 1, sequential: 0.3, reminder: 0.5, trending: 0.02 },
    cart: { bought_together: 1.3, viewed_together: 0.7, session: 0.9, trending: 0.3 },
    home: { session: 0.9, sequential: 0.3, recent: 0.5, trending: 0.3 },
  },
  reminderDecay: 0.5,
  affinity: 0.5,
  ranker: DEFAULT_RANKER,
};

/** The session's views that session-based models read: the newest, so the work stays bounded. */
export const MAX_SESSION_CLICKS = 20;

/** Recency-weighted views of the session: the newest counts 1, one click back `decay`, and so on. */
export function reminderScores(views: readonly string[], decay: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let j = views.length - 1, w = 1; j >= 0 && w > 1e-6; j--, w *= decay) out.set(views[j], (out.get(views[j]) ?? 0) + w);
  return out;
}

/** The items whose co-occurrence neighbours a request reads: the product shown, or the cart. */
const anchorsOf = (req: RecRequest): readonly string[] => (req.context === 'product' && req.item ? [req.item] : req.context === 'cart' ? req.cart : []);

/**
 * True when a request reads no model but trending: no session views, no anchors (a home page
 * or an empty cart of a visitor without a live session). The rest it reads comes with it.
 */
export function readsOnlyTrending(req: RecRequest): boolean {
  return !req.views.length && !anchorsOf(req).length;
}

/** The sources a request reads, unweighted. */
export function requestSources(req: RecRequest, models: RecModels, weights: BlendWeights, now: number): Source[] {
  const w = weights.contexts[req.context];
  const sources: Source[] = [];
  const views = req.views.slice(-MAX_SESSION_CLICKS);
  const anchors = anchorsOf(req);
  const fromNeighbours = (kind: 'view' | 'buy') => {
    const m = new Map<string, number>();
    for (const item of anchors) for (const n of models.neighbours(kind, item)) m.set(n.item, (m.get(n.item) ?? 0) + n.score);
    return m;
  };
  if (anchors.length && w.bought_together) sources.push({ key: 'bought_together', scores: fromNeighbours('buy') });
  if (anchors.length && w.viewed_together) sources.push({ key: 'viewed_together', scores: fromNeighbours('view') });
  if (views.length && w.session) sources.push({ key: 'session', scores: models.session(views, now) });
  const last = req.context === 'product' && req.item ? req.item : views[views.length - 1];
  if (last && w.sequential) sources.push({ key: 'sequential', scores: models.sequential(last) });
  if (views.length && w.reminder) sources.push({ key: 'reminder', scores: reminderScores(views, weights.reminderDecay) });
  if (w.recent) sources.push({ key: 'recent', scores: new Map(req.recent.slice(0, 10).map((item, i) => [item, 1 - i / 20])) });
  if (w.trending) sources.push({ key: 'trending', scores: models.trending(req.limit * 3) });
  return sources;
}

/** What the ranking leaves out. */
export interface Filters {
  excluded: ReadonlySet<string>;
  /** At most this many items of one category (catalog items only). */
  perCategory: number;
}

/** The filters /v1/recs applies: nothing in the cart or bought, not the product itself, a few per category. */
export function servedFilters(req: RecRequest): Filters {
  return { excluded: new Set([...req.cart, ...req.bought, ...(req.item ? [req.item] : [])]), perCategory: req.perCategory ?? 3 };
}

interface Blended {
  score: number;
  reason: Reason;
  best: number;
}

/** Each source scaled to its best item, weighted and summed; the reason is the largest share. */
export function blend(sources: readonly Source[], weights: Partial<Record<SourceKey, number>>): Map<string, Blended> {
  const total = new Map<string, Blended>();
  for (const { key, scores } of sources) {
    const weight = weights[key] ?? 0;
    let max = 0;
    for (const s of scores.values()) if (s > max) max = s;
    if (!max || !weight) continue;
    const reason = REASON[key];
    for (const [item, s] of scores) {
      if (!(s > 0)) continue;
      const part = (weight * s) / max;
      const t = total.get(item);
      if (!t) total.set(item, { score: part, reason, best: part });
      else {
        t.score += part;
        if (part > t.best) (t.best = part), (t.reason = reason);
      }
    }
  }
  return total;
}

/**
 * Ranks blended items: re-ranked by the visitor's category affinity, then filtered (not
 * excluded; with a catalog, only its in-stock items; at most `perCategory` per category).
 */
export function rank(total: ReadonlyMap<string, Blended>, req: RecRequest, catalog: ReadonlyMap<string, CatalogItem>, filters: Filters, affinityWeight: number): Recommendation[] {
  const affinity = (category: string) => (Object.hasOwn(req.affinity, category) ? Number(req.affinity[category]) || 0 : 0);
  let maxAffinity = 0;
  for (const category of Object.keys(req.affinity)) maxAffinity = Math.max(maxAffinity, affinity(category));
  const ranked: Recommendation[] = [];
  for (const [item, t] of total) {
    if (filters.excluded.has(item)) continue;
    const product = catalog.get(item);
    if (catalog.size && (!product || !product.inStock)) continue; // only active, in-stock catalog items
    const boost = maxAffinity && product ? affinityWeight * (affinity(product.category) / maxAffinity) : 0;
    const reason = t.reason === 'trending' && boost > t.best ? 'category_affinity' : t.reason;
    ranked.push({ item_id: item, score: t.score * (1 + boost), reason, name: product?.name, category: product?.category, price: product?.price });
  }
  const counts = new Map<string, number>();
  const out: Recommendation[] = [];
  // best first, sorting only as far as the answer reads (candidates are often thousands)
  for (const r of bestFirst(ranked, byScoreThenId)) {
    if (out.length >= req.limit) break;
    const c = r.category ?? '';
    const n = counts.get(c) ?? 0;
    if (c && n >= filters.perCategory) continue;
    counts.set(c, n + 1);
    out.push({ ...r, score: +r.score.toFixed(6) });
  }
  return out;
}

/** Best score first; ties by item id, so equal scores always rank the same way. */
export function byScoreThenId(a: { item_id: string; score: number }, b: { item_id: string; score: number }): number {
  return b.score - a.score || (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0);
}

/**
 * The blended items of a request: by the learned ranker on a product page with a session
 * (a logit, shifted to stay positive), else by the weighted sum; the reason is always the
 * source with the largest weighted share.
 */
export function score(req: RecRequest, sources: readonly Source[], weights: BlendWeights, popularity: (item: string) => number): Map<string, Blended> {
  const total = blend(sources, weights.contexts[req.context]);
  if (!weights.ranker || req.context !== 'product' || !req.views.length) return total;
  const logits = rankerScores(weights.ranker, sources, req.views.slice(-MAX_SESSION_CLICKS), req.item, popularity);
  let min = Infinity;
  for (const z of logits.values()) min = Math.min(min, z);
  const ranked = new Map<string, Blended>();
  for (const [item, z] of logits) {
    const t = total.get(item);
    // every candidate of the ranker scores above zero; the sum's own order breaks nothing
    ranked.set(item, { score: z - min + 1, reason: t?.reason ?? 'session_similar', best: t?.best ?? 0 });
  }
  return ranked;
}

/** Ranked items for a visitor in a context, each with the reason it is there: what /v1/recs serves. */
export function recommendItems(
  req: RecRequest,
  models: RecModels,
  catalog: ReadonlyMap<string, CatalogItem>,
  now: number,
  { weights = DEFAULT_BLEND, filters = servedFilters(req) }: { weights?: BlendWeights; filters?: Filters } = {},
): Recommendation[] {
  const sources = requestSources(req, models, weights, now);
  return rank(score(req, sources, weights, (item) => models.popularity(item)), req, catalog, filters, weights.affinity);
}
