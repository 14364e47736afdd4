// A visitor's sessions and lifetime profile, updated event by event as batches arrive.
// Pure data and functions: the VisitorShard stores them, the models read their features.
import { ENGAGEMENT_IDLE_MS } from '../../../sdk/schema/limits';
import { BOT_LIMITS } from '../bots/behaviour';
import { recentItemKeys } from './item-rates';
import type { EventRow } from '../visitor-shard';

const AFFINITY_HALF_LIFE_MS = 7 * 24 * 3_600_000;
/**
 * Most entries of any list or map a page's strings add to a stored session or profile (views,
 * categories, affinities, orders): the stored rows stay small whatever ids a client sends, so a
 * visitor can never outgrow the row size a shard can write (which would stop their tracking).
 */
const MAX_LIST = 50;

/**
 * A map from strings the page chose (page ids, categories) to values. It has no prototype, so
 * `__proto__`, `constructor` or `toString` are keys like any other. It is stored as JSON: a
 * loaded state must pass through `loadSession` / `loadProfile`, which make its maps safe again.
 */
export type Dict<T> = Record<string, T>;
export const dict = <T>(from?: Record<string, T>): Dict<T> => Object.assign(Object.create(null), from);

export interface SessionState {
  id: string;
  start: number;
  last: number;
  pageViews: number;
  productViews: number;
  /** Viewed items in order (repeats kept): the input of session-based recommendations. */
  views: string[];
  categories: string[];
  /** Engaged ms per page view (the largest report of each). */
  engaged: Dict<number>;
  /** When each page view was first seen: a page cannot report more engaged time than it was open. */
  pageStart: Dict<number>;
  /** Page views that showed a product. */
  productPages: string[];
  clicks: number;
  searches: number;
  cartAdds: number;
  cartRemoves: number;
  checkout: boolean;
  purchased: boolean;
  revenue: number;
  campaign: boolean;
  device: string;
  bot: boolean;
  /** The visitor's visit number and history when the session began. */
  visitNumber: number;
  daysSincePreviousVisit: number;
  priorPurchases: number;
  /** Features frozen just before the first purchase: a live score cannot see the future. */
  preBuy: number[] | null;
  /** The keys of the items viewed before the first purchase (item-rates.ts); absent from sessions stored before. */
  preBuyItems?: number[];
  intent: number;
}

export interface Profile {
  visitorId: string;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  purchases: number;
  revenue: number;
  lastPurchase: number;
  pageViews: number;
  productViews: number;
  engagedMs: number;
  cartAdds: number;
  searches: number;
  campaignVisits: number;
  /** Category affinity, decayed with a half-life of a week: { category: [score, as of] }; the MAX_LIST strongest. */
  affinity: Dict<[number, number]>;
  recent: string[];
  cart: string[];
  bought: string[];
  /** Transaction ids of the visitor's latest orders: an order sent again (a reloaded thank-you page) counts once. */
  orders?: string[];
}

export function newProfile(visitorId: string, ts: number): Profile {
  return {
    visitorId, firstSeen: ts, lastSeen: ts, visits: 0, purchases: 0, revenue: 0, lastPurchase: 0,
    pageViews: 0, productViews: 0, engagedMs: 0, cartAdds: 0, searches: 0, campaignVisits: 0,
    affinity: dict(), recent: [], cart: [], bought: [],
  };
}

/** A profile from its stored JSON, with safe maps (and bounded: rows stored before the bounds shrink on their next write). */
export function loadProfile(json: string): Profile {
  const p: Profile = JSON.parse(json);
  p.affinity = dict(p.affinity);
  trimAffinity(p, 0);
  return p;
}

/** A session from its stored JSON, with safe maps. */
export function loadSession(json: string): SessionState {
  const s: SessionState = JSON.parse(json);
  s.engaged = dict(s.engaged);
  s.pageStart = dict(s.pageStart); // absent in sessions stored before it existed
  s.categories = s.categories.slice(0, MAX_LIST);
  return s;
}

export function newSession(row: EventRow, profile: Profile): SessionState {
  const previous = profile.visits ? profile.lastSeen : row.ts;
  return {
    id: row.session_id, start: row.ts, last: row.ts, pageViews: 0, productViews: 0, views: [], categories: [],
    engaged: dict(), pageStart: dict(), productPages: [], clicks: 0, searches: 0, cartAdds: 0, cartRemoves: 0, checkout: false,
    purchased: false, revenue: 0, campaign: !!row.utm, device: row.device, bot: row.bot === 1,
    visitNumber: profile.visits + 1, daysSincePreviousVisit: (row.ts - previous) / 86_400_000,
    priorPurchases: profile.purchases, preBuy: null, intent: 0,
  };
}

const pushRecent = (list: string[], item: string) => [item, ...list.filter((i) => i !== item)].slice(0, MAX_LIST);

/** The current affinity scores, decayed to `now`. */
export function affinityAt(p: Profile, now: number): Dict<number> {
  const out = dict<number>();
  for (const [cat, [score, at]] of Object.entries(p.affinity)) out[cat] = score * 2 ** (-(now - at) / AFFINITY_HALF_LIFE_MS);
  return out;
}

function addAffinity(p: Profile, category: string | undefined, weight: number, now: number) {
  if (!category) return;
  const [score, at] = p.affinity[category] ?? [0, now];
  p.affinity[category] = [score * 2 ** (-(now - at) / AFFINITY_HALF_LIFE_MS) + weight, now];
  trimAffinity(p, now, category);
}

/**
 * Keeps the MAX_LIST strongest affinities as of `now` (0: as of the newest score); `fresh`, the
 * category just added to, always stays, so that a new interest can grow among old strong ones.
 */
function trimAffinity(p: Profile, now: number, fresh?: string) {
  const entries = Object.entries(p.affinity);
  if (entries.length <= MAX_LIST) return;
  const asOf = now || Math.max(...entries.map(([, [, at]]) => at));
  const decayed = ([cat, [score, at]]: [string, [number, number]]) => (cat === fresh ? Infinity : score * 2 ** (-(asOf - at) / AFFINITY_HALF_LIFE_MS));
  p.affinity = dict(Object.fromEntries(entries.sort((a, b) => decayed(b) - decayed(a)).slice(0, MAX_LIST)));
}

type Props = Record<string, any>;

/**
 * A purchase whose transaction id is among the visitor's latest orders: the same order sent
 * again under a new event id (a reloaded thank-you page). It counts once, here and in the
 * overview's rollups; campaign outcomes read transaction ids of their own (reports/outcomes.ts).
 */
export const isRepeatOrder = (p: Profile, props: Props): boolean =>
  typeof props.transaction_id === 'string' && props.transaction_id !== '' && (p.orders ?? []).includes(props.transaction_id);
/** The items an event is about: `props.items`, or the single `props.item_id`. */
export const itemsOf = (props: Props): { item_id: string; item_category?: string; price?: number; quantity?: number }[] =>
  props.items?.length ? props.items : props.item_id ? [{ item_id: props.item_id, item_category: props.item_category, price: props.price, quantity: props.quantity }] : [];

/**
 * Applies one stored event to its session and the profile. `features` gives the session's
 * feature vector; it is called just before a purchase is applied, to freeze the pre-buy features.
 */
export function applyEvent(s: SessionState, p: Profile, row: EventRow, props: Props, features: (s: SessionState, p: Profile) => number[]): void {
  s.last = Math.max(s.last, row.ts);
  p.lastSeen = Math.max(p.lastSeen, row.ts);
  const page = row.page_id ?? 'page';
  // Per-page times are kept for at most as many page views as a person's session has (more
  // flags it as a bot's): the stored state stays bounded whatever page ids a client sends.
  const tracked = page in s.pageStart || Object.keys(s.pageStart).length < BOT_LIMITS.pagesPerSession;
  if (tracked) s.pageStart[page] = Math.min(s.pageStart[page] ?? row.ts, row.ts);
  switch (row.name) {
    case 'page_view':
      s.pageViews++;
      p.pageViews++;
      break;
    case 'view_item':
      for (const it of itemsOf(props)) {
        s.productViews++;
        p.productViews++;
        s.views = [...s.views, it.item_id].slice(-MAX_LIST);
        if (it.item_category && s.categories.length < MAX_LIST && !s.categories.includes(it.item_category)) s.categories.push(it.item_category);
        p.recent = pushRecent(p.recent, it.item_id);
        addAffinity(p, it.item_category, 1, row.ts);
      }
      if (row.page_id && !s.productPages.includes(row.page_id)) s.productPages = [...s.productPages, row.page_id].slice(-MAX_LIST);
      break;
    case 'user_engagement': {
      if (!tracked) break; // a page past the session's bound: its time is not counted
      // never more than the page has been open (plus one idle window for clock jitter)
      const open = row.ts - s.pageStart[page] + ENGAGEMENT_IDLE_MS;
      const before = s.engaged[page] ?? 0;
      const ms = Math.max(before, Math.min(Number(props.engaged_ms) || 0, open));
      s.engaged[page] = ms;
      p.engagedMs += ms - before;
      break;
    }
    case 'click':
    case 'select_item':
    case 'select_promotion':
      s.clicks++;
      break;
    case 'search':
      s.searches++;
      p.searches++;
      break;
    case 'add_to_cart':
      for (const it of itemsOf(props)) {
        s.cartAdds++;
        p.cartAdds++;
        p.cart = pushRecent(p.cart, it.item_id);
        addAffinity(p, it.item_category, 3, row.ts);
      }
      break;
    case 'remove_from_cart':
      for (const it of itemsOf(props)) {
        s.cartRemoves++;
        p.cart = p.cart.filter((i) => i !== it.item_id);
      }
      break;
    case 'begin_checkout':
      s.checkout = true;
      break;
    case 'purchase': {
      if (isRepeatOrder(p, props)) break;
      p.orders = [String(props.transaction_id), ...(p.orders ?? [])].slice(0, MAX_LIST);
      if (!s.purchased) (s.preBuy = features(s, p)), (s.preBuyItems = recentItemKeys(s.views));
      s.purchased = true;
      const value = Number(props.value) || 0;
      s.revenue += value;
      p.revenue += value;
      p.purchases++;
      p.lastPurchase = row.ts;
      for (const it of itemsOf(props)) {
        p.bought = pushRecent(p.bought, it.item_id);
        addAffinity(p, it.item_category, 5, row.ts);
      }
      p.cart = [];
      break;
    }
  }
}

/**
 * The keys of the items a session viewed before any purchase: what its item buy rates read. A
 * session that bought before `preBuyItems` was kept leaves out its views since: each item view added
 * one to `views` and to `productViews`, and `preBuy[1]` (product_views, intent-features.ts) is the
 * count at the purchase. Its later views (a thank-you page's recommendations) would show as items
 * that buyers view.
 */
export function itemsBeforePurchase(s: SessionState): number[] {
  if (s.preBuyItems) return s.preBuyItems;
  if (!s.preBuy) return recentItemKeys(s.views);
  const since = Math.max(0, s.productViews - (s.preBuy[1] ?? 0));
  return recentItemKeys(s.views.slice(0, Math.max(0, s.views.length - since)));
}
