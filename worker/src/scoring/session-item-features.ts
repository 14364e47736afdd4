// Purchase-intent features of the items a session viewed: their popularity, how often the
// sessions that viewed them bought, their price and "page value" (buy rate × price). They come
// from the session's views (before any purchase) and an item table built from the training
// sessions, meant to ship inside the intent model so that a live score and training compute
// them alike. Not served yet: `npm run bench:intent` measures them (its "served-all-rows, + item
// table"). (Dwell and revisits are in intent-features.ts.)
import { splitFold, stratifiedFolds } from '../ml/folds';

export const SESSION_ITEM_FEATURES = [
  'item_buy_rate_mean', 'item_buy_rate_max', 'item_buy_rate_last', 'item_popularity_mean', 'item_price_mean', 'item_price_max', 'page_value_mean',
] as const;

/** The item table: parallel arrays (never item ids as object keys), bounded in items and bytes. */
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
/**
 * The table's JSON at most this many bytes (ids are up to 100 characters of any script): with the
 * trees (under 100 KB) an intent model body carrying it stays well under 1 MB.
 */
export const MAX_TABLE_BYTES = 400_000;

const utf8 = new TextEncoder();
/** About what one item adds to the table's JSON. */
const itemBytes = (id: string, viewed: number, bought: number, price: number) => utf8.encode(JSON.stringify([id, viewed, bought, price])).length;

/**
 * Builds the table from training sessions; keeps the most viewed items, at most `maxItems` and
 * MAX_TABLE_BYTES of JSON. Prices are looked up only for the kept items, rounded to cents.
 */
export function buildItemTable(sessions: readonly ItemSession[], prices: ReadonlyMap<string, number> = new Map(), maxItems = MAX_ITEMS): ItemTable {
  const counts = new Map<string, [number, number]>();
  let buyers = 0;
  for (const s of sessions) {
    if (s.bought) buyers++;
    for (const item of recentItems(s.views)) {
      const c = counts.get(item) ?? [0, 0];
      c[0]++;
      if (s.bought) c[1]++;
      counts.set(item, c);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1));
  const table: ItemTable = { sessions: sessions.length, buyers, ids: [], viewed: [], bought: [], price: [] };
  let bytes = 0;
  for (const [id, [viewed, bought]] of ranked) {
    if (table.ids.length >= maxItems) break;
    const p = prices.get(id);
    const price = typeof p === 'number' && p > 0 && Number.isFinite(p) ? Math.round(p * 100) / 100 : 0;
    bytes += itemBytes(id, viewed, bought, price);
    if (bytes > MAX_TABLE_BYTES) break;
    table.ids.push(id);
    table.viewed.push(viewed);
    table.bought.push(bought);
    table.price.push(price);
  }
  return table;
}

/** The kept items' prices, as a map (what the out-of-fold tables look prices up in). */
export const pricesOf = (table: ItemTable): Map<string, number> => new Map(table.ids.map((id, i) => [id, table.price[i]]));

/**
 * Each training session's item features from a table of the other folds' sessions only: the
 * table holds buy rates, and a session's own purchase must not show in its own features.
 * `prices`: what the final table priced (`pricesOf`), so an out-of-fold table knows no more.
 */
export function outOfFoldItemFeatures(sessions: readonly ItemSession[], prices: ReadonlyMap<string, number>, folds = 5): number[][] {
  const rows = new Array<number[]>(sessions.length);
  for (const fold of stratifiedFolds(sessions.map((s) => (s.bought ? 1 : 0)), folds)) {
    const [others] = splitFold(sessions.length, fold);
    const table = buildItemTable(others.map((i) => sessions[i]), prices);
    for (const i of fold) rows[i] = sessionItemFeatures(sessions[i].views, table);
  }
  return rows;
}

/**
 * The items the features look at: a session's last MAX_SESSION_ITEMS distinct viewed items, in
 * the order last viewed (the last one last). It bounds a training sample's size whatever the ids.
 */
export const MAX_SESSION_ITEMS = 10;
export function recentItems(views: readonly string[]): string[] {
  const seen = new Set<string>();
  for (let i = views.length - 1; i >= 0 && seen.size < MAX_SESSION_ITEMS; i--) if (typeof views[i] === 'string') seen.add(views[i]);
  return [...seen].reverse();
}

const lookups = new WeakMap<ItemTable, Map<string, number>>();
function indexOf(table: ItemTable): Map<string, number> {
  let m = lookups.get(table);
  if (!m) lookups.set(table, (m = new Map(table.ids.map((id, i) => [id, i]))));
  return m;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The features of a session's viewed items (in view order), in the order of SESSION_ITEM_FEATURES. */
export function sessionItemFeatures(views: readonly string[], table: ItemTable): number[] {
  const index = indexOf(table);
  const prior = table.sessions ? table.buyers / table.sessions : 0;
  const rate = (i: number | undefined) => (i === undefined ? prior : (table.bought[i] + prior * SMOOTHING) / (table.viewed[i] + SMOOTHING));
  const items = recentItems(views);
  const rows = items.map((item) => index.get(item));
  const rates = rows.map(rate);
  const prices = rows.map((i) => (i === undefined ? 0 : table.price[i])).filter((p) => p > 0);
  const values = rows.map((i, k) => (i === undefined ? 0 : rates[k] * table.price[i]));
  const last = items[items.length - 1];
  return [
    rates.length ? mean(rates) : prior,
    rates.length ? Math.max(...rates) : prior,
    last === undefined ? prior : rate(index.get(last)),
    mean(rows.map((i) => Math.log1p(i === undefined ? 0 : table.viewed[i]))),
    mean(prices),
    prices.length ? Math.max(...prices) : 0,
    mean(values),
  ];
}
