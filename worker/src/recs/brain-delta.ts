// What the shards teach SiteBrain, and how it is summed before it is sent. A shard teaches a
// session only once it looks like a person's (bots/session-watch.ts), and each session teaches
// an item at most once as viewed and once as bought, with at most SESSION_ITEMS viewed and
// BASKET_ITEMS bought items; trending counts an item at most once per visitor and day, however
// many sessions the visitor makes, and co-occurrence counts at most PAIR_SESSIONS_PER_DAY sessions
// of a visitor per day. A scripted visitor weighs no more than a real one, and a session's pairs
// are bounded. A flush sums its sessions into one delta per item and per pair.
import { BASKET_ITEMS, PAIR_SESSIONS_PER_DAY, SESSION_ITEMS, TREND_HALF_LIFE_MS, TREND_ITEMS_PER_DAY, TREND_WEIGHTS } from './stores';
import { addDecayed, type Decayed } from './trending';

/** What a session has taught so far (kept in its state in the shard). */
export interface Taught {
  /** Viewed items, distinct, in the order first viewed. */
  items: string[];
  /** Bought items, distinct, each viewed before it was bought. */
  bought: string[];
  /** Bought items waiting for the session to look like a person's. */
  waiting: string[];
  /** The viewed and bought items this session counted in trending (the visitor's first of the day). */
  trendViews: string[];
  trendBought: string[];
  /** Whether the session counts in co-occurrence (decided when it first teaches; absent: yes). */
  pairs?: boolean;
}

/** What a visitor counted in trending and co-occurrence on one UTC day (kept in the profile in the shard). */
export interface TrendDay {
  day: number;
  views: string[];
  bought: string[];
  /** The visitor's sessions that count in co-occurrence today (absent in profiles stored before it). */
  pairSessions?: string[];
}

/** A session's teaching after one apply: its whole lists, and where the new part of each starts. */
export interface ItemObservation {
  sessionId: string;
  time: number;
  items: string[];
  itemsFrom: number;
  bought: string[];
  boughtFrom: number;
  /** The new items that count in trending (not counted by the visitor today yet). */
  trendViews: string[];
  trendBought: string[];
  /** The session was flagged as a bot's after it taught: what it taught before is taken back. */
  retract?: boolean;
  /** False when the visitor's sessions of the day already filled their co-occurrence share: the session then feeds trending and the session index only. */
  pairs?: boolean;
}

/** One flush's sums: SiteBrain adds them to its stores as they are. */
export interface BrainDelta {
  /** New sessions with views, and new sessions with purchases (the co-occurrence denominators). */
  totals: { view: number; buy: number };
  /** Per item: sessions that newly viewed it, that newly bought it, and its trending weight as of `trendAt`. */
  items: { item: string; viewSessions: number; baskets: number; trend: number; trendAt: number }[];
  /** Sessions holding both items (one row per unordered pair, a < b). */
  pairs: { kind: 'view' | 'buy'; a: string; b: string; n: number }[];
  /** The sessions' viewed items, for the session index. */
  sessions: { id: string; time: number; items: string[] }[];
  /** Sessions to drop from the session index (flagged as bots after they taught). */
  forget: string[];
}

export const newTaught = (): Taught => ({ items: [], bought: [], waiting: [], trendViews: [], trendBought: [] });
export const newTrendDay = (): TrendDay => ({ day: 0, views: [], bought: [] });

/** Claims `item` in a visitor's day list: false when it is there already or the list is full. */
const claim = (list: string[], item: string) => {
  if (list.length >= TREND_ITEMS_PER_DAY || list.includes(item)) return false;
  list.push(item);
  return true;
};

const addDistinct = (list: string[], item: string, max: number) => {
  if (list.length < max && !list.includes(item)) list.push(item);
};

/** Holds bought items until the session may teach (a person's purchase usually follows engagement). */
export function holdBought(t: Taught, items: Iterable<string>): void {
  for (const item of items) addDistinct(t.waiting, item, BASKET_ITEMS);
}

/**
 * Teaches what the session has not taught yet: its views, and the waiting bought items it had
 * viewed before (a purchase of an item never viewed teaches nothing). Null when nothing is new.
 */
export function teach(t: Taught, sessionId: string, time: number, views: Iterable<string>, viewed: (item: string) => boolean, day: TrendDay): ItemObservation | null {
  const itemsFrom = t.items.length;
  const boughtFrom = t.bought.length;
  for (const item of views) addDistinct(t.items, item, SESSION_ITEMS);
  for (const item of t.waiting) if (t.items.includes(item) || viewed(item)) addDistinct(t.bought, item, BASKET_ITEMS);
  t.waiting = [];
  if (t.items.length === itemsFrom && t.bought.length === boughtFrom) return null;
  const today = Math.floor(time / 86_400_000);
  if (day.day !== today) Object.assign(day, { ...newTrendDay(), day: today });
  if (t.pairs === undefined) {
    const counted = (day.pairSessions ??= []);
    t.pairs = counted.includes(sessionId) || counted.length < PAIR_SESSIONS_PER_DAY;
    if (t.pairs && !counted.includes(sessionId)) counted.push(sessionId);
  }
  const trendViews = t.items.slice(itemsFrom).filter((item) => claim(day.views, item));
  const trendBought = t.bought.slice(boughtFrom).filter((item) => claim(day.bought, item));
  t.trendViews.push(...trendViews);
  t.trendBought.push(...trendBought);
  return { sessionId, time, items: [...t.items], itemsFrom, bought: [...t.bought], boughtFrom, trendViews, trendBought, pairs: t.pairs };
}

/** Takes back all a session taught (it was flagged as a bot's since), once: its lists are emptied. Null when it taught nothing. */
export function retract(t: Taught, sessionId: string, time: number): ItemObservation | null {
  if (!t.items.length && !t.bought.length) return null;
  const o = { sessionId, time, items: t.items, itemsFrom: t.items.length, bought: t.bought, boughtFrom: t.bought.length, trendViews: t.trendViews, trendBought: t.trendBought, retract: true, pairs: t.pairs };
  Object.assign(t, newTaught());
  return o;
}

/**
 * Sums observations (several per session when several applies went by) into one delta.
 * `known`: whether an id is a catalog item; others are left out everywhere.
 */
export function buildDelta(observations: Iterable<ItemObservation>, known: (item: string) => boolean = () => true): BrainDelta {
  const sessions = new Map<string, ItemObservation>();
  for (const o of observations) {
    if (!Array.isArray(o.items) || !Array.isArray(o.bought)) continue; // a body queued before this format: skipped
    const s = sessions.get(o.sessionId);
    if (!s) sessions.set(o.sessionId, { ...o, trendViews: [...(o.trendViews ?? [])], trendBought: [...(o.trendBought ?? [])] });
    else {
      // the lists only grow: the longer one is the later, and the new part starts at the earlier start
      if (o.items.length >= s.items.length) s.items = o.items;
      if (o.bought.length >= s.bought.length) s.bought = o.bought;
      s.itemsFrom = Math.min(s.itemsFrom, o.itemsFrom);
      s.boughtFrom = Math.min(s.boughtFrom, o.boughtFrom);
      s.time = Math.max(s.time, o.time);
      s.retract ||= o.retract;
      s.trendViews.push(...(o.trendViews ?? []));
      s.trendBought.push(...(o.trendBought ?? []));
    }
  }
  const delta: BrainDelta = { totals: { view: 0, buy: 0 }, items: [], pairs: [], sessions: [], forget: [] };
  const items = new Map<string, { viewSessions: number; baskets: number; trend?: Decayed }>();
  const pairs = new Map<string, { kind: 'view' | 'buy'; a: string; b: string; n: number }>();
  const stat = (item: string) => {
    let s = items.get(item);
    if (!s) items.set(item, (s = { viewSessions: 0, baskets: 0 }));
    return s;
  };
  /** Adds (sign 1) or takes back (sign -1) what `fresh` teaches beside `old`, which the brain holds already. */
  const learn = (kind: 'view' | 'buy', old: string[], fresh: string[], trend: readonly string[], time: number, sign: 1 | -1, counts: boolean) => {
    if (!fresh.length) return;
    if (!counts) {
      // trending only: the visitor's co-occurrence share of the day is taken
      for (const item of fresh) if (trend.includes(item)) stat(item).trend = addDecayed(stat(item).trend, time, sign * TREND_WEIGHTS[kind], TREND_HALF_LIFE_MS);
      return;
    }
    if (!old.length) delta.totals[kind] += sign;
    const all = [...old];
    for (const item of fresh) {
      const s = stat(item);
      if (kind === 'view') s.viewSessions += sign;
      else s.baskets += sign;
      if (trend.includes(item)) s.trend = addDecayed(s.trend, time, sign * TREND_WEIGHTS[kind], TREND_HALF_LIFE_MS);
      for (const other of all) {
        const [a, b] = item < other ? [item, other] : [other, item];
        const key = `${kind}\u0000${a}\u0000${b}`;
        const p = pairs.get(key);
        if (p) p.n += sign;
        else pairs.set(key, { kind, a, b, n: sign });
      }
      all.push(item);
    }
  };
  for (const o of sessions.values()) {
    const views = { old: o.items.slice(0, o.itemsFrom).filter(known), fresh: o.items.slice(o.itemsFrom).filter(known) };
    const buys = { old: o.bought.slice(0, o.boughtFrom).filter(known), fresh: o.bought.slice(o.boughtFrom).filter(known) };
    if (o.retract) {
      // what the brain holds of the session goes; what it taught since in this flush was never sent
      learn('view', [], views.old, o.trendViews, o.time, -1, o.pairs !== false);
      learn('buy', [], buys.old, o.trendBought, o.time, -1, o.pairs !== false);
      delta.forget.push(o.sessionId);
      continue;
    }
    learn('view', views.old, views.fresh, o.trendViews, o.time, 1, o.pairs !== false);
    if (views.fresh.length) delta.sessions.push({ id: o.sessionId, time: o.time, items: [...views.old, ...views.fresh] });
    learn('buy', buys.old, buys.fresh, o.trendBought, o.time, 1, o.pairs !== false);
  }
  for (const [item, s] of items) if (s.viewSessions || s.baskets || s.trend) delta.items.push({ item, viewSessions: s.viewSessions, baskets: s.baskets, trend: s.trend?.score ?? 0, trendAt: s.trend?.at ?? 0 });
  delta.pairs = [...pairs.values()].filter((p) => p.n !== 0);
  return delta;
}
