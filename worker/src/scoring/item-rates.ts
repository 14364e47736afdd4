// How often the sessions that viewed a session's items went on to buy: the intent features of the
// items themselves. A table of the sample's items (the sessions that viewed each, and how many of
// them bought) ships inside the intent model, so a live score reads the rates the model trained on.
//
// The training rows get the same features *prequentially*: each session's from the sessions that
// had ended before it started, as a live score sees a table built before the session. Drawn from
// all sessions (out of fold), a training row's rates would know periods after it and the model
// would trust them more than the frozen table deserves: on YooChoose that variant lost AUC, and this
// one gained 0.010–0.016 on every period of the training rows (docs/evaluation.md, "Item buy rates").
//
// Items are kept as 32-bit hashes of their ids: the model holds no page strings, and a stored
// sample stays small whatever the ids.

export const ITEM_RATE_FEATURES = ['item_buy_rate_mean', 'item_buy_rate_max', 'item_buy_rate_last'] as const;
/** The rates' columns in a row. */
export const RATE_COLUMNS = ITEM_RATE_FEATURES.length;

/** Session i's features from `prequentialItemRates`' flat array. */
export const rateRow = (rates: Float64Array, i: number): number[] => Array.from(rates.subarray(i * RATE_COLUMNS, (i + 1) * RATE_COLUMNS));

/** The model's item table: parallel arrays, the most viewed items first. */
export interface ItemRates {
  /** Sessions the table counts, and how many of them bought. */
  sessions: number;
  buyers: number;
  keys: number[];
  /** Sessions that viewed the item (before any purchase), and how many of those bought. */
  viewed: number[];
  bought: number[];
}

/** A session as the table counts it: its items' keys (`recentItemKeys`) and whether it bought. */
export interface ItemSession {
  items: readonly number[];
  bought: boolean;
}

/** Shrinks an item's buy rate towards the shop's: an item seen in few sessions says little (50 ranked best of 5, 20, 50). */
const SMOOTHING = 50;
/** Items in a model's table at most: about 100 kB of JSON, beside the trees' 250 kB (the model stays under 1 MB). */
export const MAX_TABLE_ITEMS = 5_000;
/** A session's last distinct items that its features read. */
export const MAX_SESSION_ITEMS = 10;

/** An item id's key: FNV-1a, 32 bits (two ids of a 5,000-item table collide with a chance of 0.3 %). */
export function itemKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The keys of a session's last MAX_SESSION_ITEMS distinct viewed items, the last viewed last. */
export function recentItemKeys(views: readonly string[]): number[] {
  const seen = new Set<number>();
  for (let i = views.length - 1; i >= 0 && seen.size < MAX_SESSION_ITEMS; i--) if (typeof views[i] === 'string') seen.add(itemKey(views[i]));
  return [...seen].reverse();
}

/** Running counts of sessions per item; `table` freezes them into the model's form. */
class ItemCounts {
  sessions = 0;
  buyers = 0;
  readonly counts = new Map<number, [viewed: number, bought: number]>();

  add(s: ItemSession) {
    this.sessions++;
    if (s.bought) this.buyers++;
    for (const key of s.items) {
      const c = this.counts.get(key) ?? [0, 0];
      c[0]++;
      if (s.bought) c[1]++;
      this.counts.set(key, c);
    }
  }

  /** Rates of the `known` items only (those of the model's table), as a live score reads them. */
  features(items: readonly number[], known: ReadonlySet<number>): number[] {
    return rateFeatures(items, this.sessions, this.buyers, (key) => (known.has(key) ? this.counts.get(key) : undefined));
  }

  table(maxItems = MAX_TABLE_ITEMS): ItemRates {
    const ranked = [...this.counts].sort((a, b) => b[1][0] - a[1][0] || a[0] - b[0]).slice(0, maxItems);
    return { sessions: this.sessions, buyers: this.buyers, keys: ranked.map((r) => r[0]), viewed: ranked.map((r) => r[1][0]), bought: ranked.map((r) => r[1][1]) };
  }
}

/**
 * The features in the order of ITEM_RATE_FEATURES: each item's smoothed buy rate relative to the
 * table's (1: like any session; an unknown item counts as 1), their mean, their max and the last
 * item's. All 0 for a session without an item view.
 */
function rateFeatures(items: readonly number[], sessions: number, buyers: number, countsOf: (key: number) => readonly [number, number] | undefined): number[] {
  if (!items.length) return [0, 0, 0];
  const prior = sessions ? buyers / sessions : 0;
  if (!(prior > 0)) return [1, 1, 1];
  const relative = items.map((key) => {
    const c = countsOf(key);
    return c ? (c[1] + prior * SMOOTHING) / (c[0] + SMOOTHING) / prior : 1;
  });
  return [relative.reduce((a, b) => a + b, 0) / relative.length, Math.max(...relative), relative[relative.length - 1]];
}

const lookups = new WeakMap<ItemRates, Map<number, number>>();

/** A live session's item features from the model's table. */
export function itemRateFeatures(items: readonly number[], table: ItemRates): number[] {
  let index = lookups.get(table);
  if (!index) lookups.set(table, (index = new Map(table.keys.map((key, i) => [key, i]))));
  return rateFeatures(items, table.sessions, table.buyers, (key) => {
    const i = index!.get(key);
    return i === undefined ? undefined : [table.viewed[i], table.bought[i]];
  });
}

/**
 * Training rows: each session's features from the sessions that ended before it started (row i:
 * `rateRow(rates, i)`), and the table of them all (what the model ships). `start` and `end` are the sessions' times (ms). Only
 * the table's items have rates in the rows too: a live score knows no other, and rows that knew
 * the rarer items would teach the model that an unknown item is a new one (on YooChoose's test
 * period 44 % of the last items fell outside a table of 5,000, and the model lost 0.006 AUC).
 */
export function prequentialItemRates(items: readonly (readonly number[])[], bought: readonly boolean[], startAt: readonly number[], endAt: readonly number[]): { rates: Float64Array; table: ItemRates } {
  const n = items.length;
  if (bought.length !== n || startAt.length !== n || endAt.length !== n) throw new Error('each session needs its label, start and end');
  const session = (i: number): ItemSession => ({ items: items[i], bought: bought[i] });
  // a session without a start sees no other; one without an end (or ending before it starts) is seen by none before it
  const start = startAt.map((t) => (Number.isFinite(t) ? t : -Infinity));
  const end = endAt.map((t, i) => (Number.isFinite(t) ? Math.max(t, start[i]) : Infinity));
  const all = new ItemCounts();
  for (let i = 0; i < n; i++) all.add(session(i));
  const table = all.table();
  const known = new Set(table.keys);
  const counts = new ItemCounts();
  const order = (t: number[]) => [...t.keys()].sort((i, j) => (t[i] < t[j] ? -1 : t[i] > t[j] ? 1 : i - j));
  const byStart = order(start);
  const byEnd = order(end);
  // one flat array, not a row each: a shop's sample of 70,000 sessions must fit an invocation beside it
  const rates = new Float64Array(n * RATE_COLUMNS);
  let ended = 0;
  for (const i of byStart) {
    while (ended < byEnd.length && end[byEnd[ended]] < start[i]) counts.add(session(byEnd[ended++]));
    rates.set(counts.features(items[i], known), i * RATE_COLUMNS);
  }
  return { rates, table };
}
