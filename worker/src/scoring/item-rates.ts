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

/** The features of a session without an item view, and of one whose items the table does not know (each item's relative rate 1, the shop's). */
export const NO_ITEMS_RATES: readonly number[] = ITEM_RATE_FEATURES.map(() => 0);
export const UNKNOWN_ITEMS_RATES: readonly number[] = ITEM_RATE_FEATURES.map(() => 1);

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

/**
 * The features in the order of ITEM_RATE_FEATURES: each item's smoothed buy rate relative to the
 * table's (1: like any session; an unknown item counts as 1), their mean, their max and the last
 * item's. All 0 for a session without an item view.
 */
function rateFeatures(items: readonly number[], sessions: number, buyers: number, countsOf: (key: number) => readonly [number, number] | undefined): number[] {
  if (!items.length) return [...NO_ITEMS_RATES];
  const prior = sessions ? buyers / sessions : 0;
  if (!(prior > 0)) return [...UNKNOWN_ITEMS_RATES];
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
 * Items that may make the table: a Misra–Gries summary of the sessions' views in at most
 * CANDIDATES counters, so that memory stays bounded whatever ids a sample carries (a page can send
 * any). Every item viewed by more than 1/CANDIDATES of the views survives; with fewer distinct
 * items than CANDIDATES (YooChoose's sample: 17,116) all do, and the table is the exact top.
 */
const CANDIDATES = 8 * MAX_TABLE_ITEMS;
function candidateItems(items: readonly (readonly number[])[]): number[] {
  const counters = new Map<number, number>();
  for (const keys of items)
    for (const key of keys) {
      const c = counters.get(key);
      if (c !== undefined) counters.set(key, c + 1);
      else if (counters.size < CANDIDATES) counters.set(key, 1);
      else for (const [k, v] of counters) v > 1 ? counters.set(k, v - 1) : counters.delete(k);
    }
  return [...counters.keys()];
}

/** Sessions and buyers counted, and each tracked item's viewing and buying sessions (typed arrays: bounded, compact). */
class Counts {
  sessions = 0;
  buyers = 0;
  readonly viewed: Float64Array;
  readonly bought: Float64Array;
  constructor(readonly slot: ReadonlyMap<number, number>) {
    this.viewed = new Float64Array(slot.size);
    this.bought = new Float64Array(slot.size);
  }
  add(items: readonly number[], bought: boolean) {
    this.sessions++;
    if (bought) this.buyers++;
    for (const key of items) {
      const i = this.slot.get(key);
      if (i === undefined) continue;
      this.viewed[i]++;
      if (bought) this.bought[i]++;
    }
  }
  features(items: readonly number[]): number[] {
    return rateFeatures(items, this.sessions, this.buyers, (key) => {
      const i = this.slot.get(key);
      return i === undefined || !this.viewed[i] ? undefined : [this.viewed[i], this.bought[i]];
    });
  }
}

/**
 * Training rows: each session's features from the sessions that ended before it started (row i:
 * `rateRow(rates, i)`), and the table of them all (what the model ships). `start` and `end` are
 * the sessions' times (ms). Only the table's items have rates in the rows too: a live score knows
 * no other, and rows that knew the rarer items would teach the model that an unknown item is a new
 * one (on YooChoose's test period 44 % of the last items fell outside a table of 5,000, and the
 * model lost 0.006 AUC). A session whose items are unknown (not a list: a shard of an older
 * version) is counted in nothing and its row is NaN, which training leaves out.
 */
export function prequentialItemRates(items: readonly (readonly number[] | undefined)[], bought: readonly boolean[], startAt: readonly number[], endAt: readonly number[]): { rates: Float64Array; table: ItemRates } {
  const n = items.length;
  if (bought.length !== n || startAt.length !== n || endAt.length !== n) throw new Error('each session needs its label, start and end');
  const known = [...items.keys()].filter((i) => Array.isArray(items[i]));
  const itemsOf = (i: number) => items[i] as readonly number[];
  // the table: the most viewed of the candidates, counted exactly
  const candidates = candidateItems(known.map(itemsOf));
  const all = new Counts(new Map(candidates.map((key, i) => [key, i])));
  for (const i of known) all.add(itemsOf(i), bought[i]);
  const ranked = candidates.map((key, i) => i).filter((i) => all.viewed[i] > 0).sort((i, j) => all.viewed[j] - all.viewed[i] || candidates[i] - candidates[j]).slice(0, MAX_TABLE_ITEMS);
  const table: ItemRates = { sessions: all.sessions, buyers: all.buyers, keys: ranked.map((i) => candidates[i]), viewed: ranked.map((i) => all.viewed[i]), bought: ranked.map((i) => all.bought[i]) };
  // a session without a start sees no other; one without an end (or ending before it starts) is seen by none before it
  const start = startAt.map((t) => (Number.isFinite(t) ? t : -Infinity));
  const end = endAt.map((t, i) => (Number.isFinite(t) ? Math.max(t, start[i]) : Infinity));
  const order = (t: number[]) => [...known].sort((i, j) => (t[i] < t[j] ? -1 : t[i] > t[j] ? 1 : i - j));
  const byStart = order(start);
  const byEnd = order(end);
  const counts = new Counts(new Map(table.keys.map((key, i) => [key, i])));
  // one flat array, not a row each: a shop's sample of 70,000 sessions must fit an invocation beside it
  const rates = new Float64Array(n * RATE_COLUMNS).fill(NaN);
  let ended = 0;
  for (const i of byStart) {
    while (ended < byEnd.length && end[byEnd[ended]] < start[i]) {
      const j = byEnd[ended++];
      counts.add(itemsOf(j), bought[j]);
    }
    rates.set(counts.features(itemsOf(i)), i * RATE_COLUMNS);
  }
  return { rates, table };
}
