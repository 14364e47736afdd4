// Purchase-intent features beyond the session's counters: what the viewed items say (their
// popularity, how often sessions that viewed them bought, their price and "page value"), the
// dwell on product pages, and revisits. All come from the live SessionState plus an item table
// that ships inside the intent model (built from the training sessions), so a live score and
// training compute them alike.
import type { SessionState } from './session-state';

export const SESSION_ITEM_FEATURES = [
  'item_buy_rate_mean', 'item_buy_rate_max', 'item_buy_rate_last', 'item_popularity_mean', 'item_price_mean', 'item_price_max',
  'page_value_mean', 'dwell_max_s', 'dwell_last_s', 'views_per_item', 'max_item_views', 'revisited_share', 'last_is_revisit',
] as const;

/** The item table: parallel arrays (never item ids as object keys), at most `maxItems` items. */
export interface ItemTable {
  /** Training sessions, and how many of them bought. */
  sessions: number;
  buyers: number;
  ids: string[];
  /** Sessions that viewed the item (before any purchase), and how many of those bought. */
  viewed: number[];
  bought: number[];
  /** The item's price, 0 when unknown. */
  price: number[];
}

/** A training session as the item table needs it: its views before any purchase, and whether it bought. */
export interface ItemSession {
  views: readonly string[];
  bought: boolean;
}

/** Shrinks an item's buy rate towards the shop's: an item seen in few sessions says little. */
const SMOOTHING = 20;
const MAX_ITEMS = 5_000;

/** Builds the table from training sessions; keeps the `maxItems` most viewed items (bounded model size). */
export function buildItemTable(sessions: readonly ItemSession[], prices: ReadonlyMap<string, number> = new Map(), maxItems = MAX_ITEMS): ItemTable {
  const counts = new Map<string, [number, number]>();
  let buyers = 0;
  for (const s of sessions) {
    if (s.bought) buyers++;
    for (const item of new Set(s.views)) {
      const c = counts.get(item) ?? [0, 0];
      c[0]++;
      if (s.bought) c[1]++;
      counts.set(item, c);
    }
  }
  const kept = [...counts].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1)).slice(0, maxItems);
  return {
    sessions: sessions.length,
    buyers,
    ids: kept.map(([id]) => id),
    viewed: kept.map(([, c]) => c[0]),
    bought: kept.map(([, c]) => c[1]),
    price: kept.map(([id]) => prices.get(id) ?? 0),
  };
}

const lookups = new WeakMap<ItemTable, Map<string, number>>();
function indexOf(table: ItemTable): Map<string, number> {
  let m = lookups.get(table);
  if (!m) lookups.set(table, (m = new Map(table.ids.map((id, i) => [id, i]))));
  return m;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The features, in the order of SESSION_ITEM_FEATURES. */
export function sessionItemFeatures(s: SessionState, table: ItemTable): number[] {
  const index = indexOf(table);
  const prior = table.sessions ? table.buyers / table.sessions : 0;
  const rate = (i: number | undefined) => (i === undefined ? prior : (table.bought[i] + prior * SMOOTHING) / (table.viewed[i] + SMOOTHING));
  const perItem = new Map<string, number>();
  for (const item of s.views) perItem.set(item, (perItem.get(item) ?? 0) + 1);
  const distinct = [...perItem.keys()];
  const rows = distinct.map((item) => index.get(item));
  const rates = rows.map(rate);
  const prices = rows.map((i) => (i === undefined ? 0 : table.price[i])).filter((p) => p > 0);
  const values = rows.map((i, k) => (i === undefined ? 0 : rates[k] * table.price[i]));
  const last = s.views[s.views.length - 1];
  // dwell: engaged time reported for the session's product pages
  const dwell = s.productPages.map((page) => (Object.hasOwn(s.engaged, page) ? Number(s.engaged[page]) || 0 : 0) / 1000);
  const reported = dwell.filter((d) => d > 0);
  return [
    rates.length ? mean(rates) : prior,
    rates.length ? Math.max(...rates) : prior,
    last === undefined ? prior : rate(index.get(last)),
    mean(rows.map((i) => Math.log1p(i === undefined ? 0 : table.viewed[i]))),
    mean(prices),
    prices.length ? Math.max(...prices) : 0,
    mean(values),
    reported.length ? Math.max(...reported) : 0,
    reported.length ? reported[reported.length - 1] : 0,
    distinct.length ? s.views.length / distinct.length : 0,
    distinct.length ? Math.max(...perItem.values()) : 0,
    distinct.length ? distinct.filter((item) => perItem.get(item)! > 1).length / distinct.length : 0,
    last !== undefined && s.views.indexOf(last) < s.views.length - 1 ? 1 : 0,
  ];
}
