// What the shards teach SiteBrain, and how it is summed before it is sent. A shard teaches a
// session only once it looks like a person's (bots/session-watch.ts), and each session teaches
// an item at most once as viewed and once as bought, with at most SESSION_ITEMS viewed and
// BASKET_ITEMS bought items: a scripted visitor weighs no more than a real one, and a session's
// pairs are bounded. A flush sums its sessions into one delta per item and per pair.
import { BASKET_ITEMS, SESSION_ITEMS, TREND_HALF_LIFE_MS, TREND_WEIGHTS } from './stores';
import { addDecayed, type Decayed } from './trending';

/** What a session has taught so far (kept in its state in the shard). */
export interface Taught {
  /** Viewed items, distinct, in the order first viewed. */
  items: string[];
  /** Bought items, distinct, each viewed before it was bought. */
  bought: string[];
  /** Bought items waiting for the session to look like a person's. */
  waiting: string[];
}

/** A session's teaching after one apply: its whole lists, and where the new part of each starts. */
export interface ItemObservation {
  sessionId: string;
  time: number;
  items: string[];
  itemsFrom: number;
  bought: string[];
  boughtFrom: number;
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
}

export const newTaught = (): Taught => ({ items: [], bought: [], waiting: [] });

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
export function teach(t: Taught, sessionId: string, time: number, views: Iterable<string>, viewed: (item: string) => boolean): ItemObservation | null {
  const itemsFrom = t.items.length;
  const boughtFrom = t.bought.length;
  for (const item of views) addDistinct(t.items, item, SESSION_ITEMS);
  for (const item of t.waiting) if (t.items.includes(item) || viewed(item)) addDistinct(t.bought, item, BASKET_ITEMS);
  t.waiting = [];
  if (t.items.length === itemsFrom && t.bought.length === boughtFrom) return null;
  return { sessionId, time, items: [...t.items], itemsFrom, bought: [...t.bought], boughtFrom };
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
    if (!s) sessions.set(o.sessionId, { ...o });
    else {
      // the lists only grow: the longer one is the later, and the new part starts at the earlier start
      if (o.items.length >= s.items.length) s.items = o.items;
      if (o.bought.length >= s.bought.length) s.bought = o.bought;
      s.itemsFrom = Math.min(s.itemsFrom, o.itemsFrom);
      s.boughtFrom = Math.min(s.boughtFrom, o.boughtFrom);
      s.time = Math.max(s.time, o.time);
    }
  }
  const delta: BrainDelta = { totals: { view: 0, buy: 0 }, items: [], pairs: [], sessions: [] };
  const items = new Map<string, { viewSessions: number; baskets: number; trend?: Decayed }>();
  const pairs = new Map<string, { kind: 'view' | 'buy'; a: string; b: string; n: number }>();
  const stat = (item: string) => {
    let s = items.get(item);
    if (!s) items.set(item, (s = { viewSessions: 0, baskets: 0 }));
    return s;
  };
  const learn = (kind: 'view' | 'buy', list: string[], from: number, time: number): string[] => {
    const old = list.slice(0, from).filter(known);
    const fresh = list.slice(from).filter(known);
    if (!fresh.length) return old;
    if (!old.length) delta.totals[kind]++;
    const all = [...old];
    for (const item of fresh) {
      const s = stat(item);
      if (kind === 'view') s.viewSessions++;
      else s.baskets++;
      s.trend = addDecayed(s.trend, time, TREND_WEIGHTS[kind], TREND_HALF_LIFE_MS);
      for (const other of all) {
        const [a, b] = item < other ? [item, other] : [other, item];
        const key = `${kind}\u0000${a}\u0000${b}`;
        const p = pairs.get(key);
        if (p) p.n++;
        else pairs.set(key, { kind, a, b, n: 1 });
      }
      all.push(item);
    }
    return all;
  };
  for (const o of sessions.values()) {
    const viewed = learn('view', o.items, o.itemsFrom, o.time);
    if (o.items.length > o.itemsFrom && viewed.length) delta.sessions.push({ id: o.sessionId, time: o.time, items: viewed });
    learn('buy', o.bought, o.boughtFrom, o.time);
  }
  for (const [item, s] of items) delta.items.push({ item, viewSessions: s.viewSessions, baskets: s.baskets, trend: s.trend?.score ?? 0, trendAt: s.trend?.at ?? 0 });
  delta.pairs = [...pairs.values()];
  return delta;
}
