// The purchase-intent features of a live session: only what happened so far in it, plus what
// the visitor did before it. The same vector trains the shop's model and scores the session
// (and `npm run bench:intent` computes it with this code from replayed clicks).
import { ITEM_RATE_FEATURES, itemRateFeatures, type ItemRates } from './item-rates';
import { itemsBeforePurchase, type Profile, type SessionState } from './session-state';

export const INTENT_FEATURES = [
  'page_views', 'product_views', 'distinct_items', 'distinct_categories', 'engaged_s', 'product_engaged_s_mean',
  'clicks', 'searches', 'cart_adds', 'cart_removes', 'began_checkout', 'from_campaign', 'mobile', 'hour', 'weekday',
  'visit_number', 'log_days_since_previous_visit', 'prior_purchases', 'duration_s',
  // dwell and revisits: how long the product pages held the visitor, and how often they came back to an item
  'dwell_max_s', 'dwell_last_s', 'views_per_item', 'max_item_views', 'revisited_share', 'last_item_views', 'views_per_minute',
] as const;

/** The features a model with this item table reads: the session's, then its items' buy rates. */
export const featureNames = (items: ItemRates | null | undefined): readonly string[] => (items ? [...INTENT_FEATURES, ...ITEM_RATE_FEATURES] : INTENT_FEATURES);

/**
 * The row a model scores: the session's features (frozen before its first purchase), then, when
 * the model ships an item table, its items' buy rates from that table.
 */
export function intentRow(s: SessionState, p: Profile, items: ItemRates | null | undefined): number[] {
  const session = sessionFeatures(s, p);
  return items ? [...session, ...itemRateFeatures(itemsBeforePurchase(s), items)] : session;
}

/**
 * The session's own features, frozen before its first purchase. A row frozen before the later
 * features existed is padded with NaN (unknown): training leaves it out, and a score clips it to the
 * low end, so the item rates after it keep their columns.
 */
export function sessionFeatures(s: SessionState, p: Profile): number[] {
  if (!s.preBuy) return intentFeatures(s, p);
  const missing = INTENT_FEATURES.length - s.preBuy.length;
  return missing > 0 ? [...s.preBuy, ...new Array<number>(missing).fill(NaN)] : s.preBuy;
}

export function intentFeatures(s: SessionState, _p: Profile): number[] {
  const engagedMs = Object.values(s.engaged).reduce((a, b) => a + b, 0);
  const productEngaged = s.productPages.map((page) => s.engaged[page] ?? 0);
  const start = new Date(s.start);
  const durationS = (s.last - s.start) / 1000;
  return [
    s.pageViews,
    s.productViews,
    new Set(s.views).size,
    s.categories.length,
    engagedMs / 1000,
    productEngaged.length ? productEngaged.reduce((a, b) => a + b, 0) / productEngaged.length / 1000 : 0,
    s.clicks,
    s.searches,
    s.cartAdds,
    s.cartRemoves,
    s.checkout ? 1 : 0,
    s.campaign ? 1 : 0,
    s.device === 'mobile' ? 1 : 0,
    start.getUTCHours(),
    start.getUTCDay(),
    s.visitNumber,
    Math.log1p(Math.max(0, s.daysSincePreviousVisit)),
    s.priorPurchases,
    durationS,
    ...dwellAndRevisits(s, productEngaged),
  ];
}

/** The last 7 features: dwell on product pages (ms per page, in view order) and item revisits. */
function dwellAndRevisits(s: SessionState, productEngagedMs: number[]): number[] {
  const reported = productEngagedMs.filter((ms) => ms > 0);
  const perItem = new Map<string, number>(); // item ids are the page's strings: a Map, never an object
  for (const item of s.views) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  const counts = [...perItem.values()];
  const last = s.views[s.views.length - 1];
  // a minute at least: a session of one quick page is not "60 pages a minute"
  const minutes = Math.max(1, (s.last - s.start) / 60_000);
  return [
    reported.length ? Math.max(...reported) / 1000 : 0,
    reported.length ? reported[reported.length - 1] / 1000 : 0,
    counts.length ? s.views.length / counts.length : 0,
    counts.length ? Math.max(...counts) : 0,
    counts.length ? counts.filter((n) => n > 1).length / counts.length : 0,
    last === undefined ? 0 : perItem.get(last)!,
    s.pageViews / minutes,
  ];
}
