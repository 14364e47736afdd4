// What the shard keeps beside a session to judge it as it grows: the counts `behaviourFlag`
// needs that the session state does not hold, the reason once it is flagged, and what its
// rollups counted as a person's (moved to the bot columns when it is flagged later).
import type { Profile, SessionState } from '../scoring/session-state';
import { itemsOf } from '../scoring/session-state';
import type { EventRow } from '../visitor-shard';
import { itemLines, type CountedItem } from '../reports/site-rollups';
import { type BotReason, type SessionSignals, behaviourFlag, isPlausible } from './behaviour';

export interface SessionWatch {
  events: number;
  purchases: number;
  purchasesUnviewed: number;
  /** Why the session is a bot's; null while nothing says so. */
  reason: BotReason | null;
  /** What the session's rollups counted as a person's so far. */
  counted: CountedAsPerson;
}

export interface CountedAsPerson {
  start: number;
  events: number;
  engagedMs: number;
  orders: number;
  revenueCents: number;
  purchased: boolean;
  /** Its item views and purchases, for the first MAX_COUNTED_ITEMS items (a flag takes them back too). */
  items?: CountedItem[];
}

/** Items a session's watch keeps its counts of: bounded, as all stored state; a bot is flagged long before. */
export const MAX_COUNTED_ITEMS = 100;

/** A session as the shard stores it, with its watch (absent in sessions stored before it existed). */
export type WatchedSession = SessionState & { watch?: SessionWatch };

export function watchOf(s: WatchedSession): SessionWatch {
  s.watch ??= {
    events: 0, purchases: 0, purchasesUnviewed: 0, reason: null,
    counted: { start: s.start, events: 0, engagedMs: 0, orders: 0, revenueCents: 0, purchased: false },
  };
  return s.watch;
}

/** Engaged time over the session's pages. */
export function sessionEngagedMs(s: SessionState): number {
  let ms = 0;
  for (const v of Object.values(s.engaged)) ms += v;
  return ms;
}

export function signalsOf(s: SessionState, w: SessionWatch): SessionSignals {
  return { events: w.events, start: s.start, last: s.last, pageViews: s.pageViews, engagedMs: sessionEngagedMs(s), purchases: w.purchases, purchasesUnviewed: w.purchasesUnviewed };
}

/** Did the visitor view this item before (this session, or recently)? */
export const viewedBefore = (s: SessionState, p: Profile, item: string) => s.views.includes(item) || p.recent.includes(item);

/**
 * Counts an event the session has just applied (`applyEvent` ran), and judges the session again.
 * Returns the reason when this event flags a session that was not flagged before.
 */
export function watchEvent(s: WatchedSession, p: Profile, row: EventRow, props: Record<string, any>): BotReason | null {
  const w = watchOf(s);
  w.events++;
  if (row.name === 'purchase') {
    w.purchases++;
    const items = itemsOf(props);
    if (items.length && !items.some((it) => viewedBefore(s, p, it.item_id))) w.purchasesUnviewed++;
  }
  if (s.bot) {
    w.reason ??= 'automation'; // flagged at the collector on its first event
    return null;
  }
  // flagged at the collector (user agent, navigator.webdriver, a busy address), or by behaviour
  const reason = row.bot === 1 ? 'automation' : behaviourFlag(signalsOf(s, w));
  if (!reason) return null;
  s.bot = true;
  w.reason = reason;
  return reason;
}

/** Records what the rollups counted of a person's event, in case the session is flagged later. */
export function countAsPerson(w: SessionWatch, e: { name: string; props: Record<string, any>; engagedDelta: number; repeatOrder?: boolean }): void {
  const c = w.counted;
  c.events++;
  c.engagedMs += Math.max(0, Math.round(e.engagedDelta));
  const bought = e.name === 'purchase' && !e.repeatOrder;
  if (bought) {
    c.orders++;
    c.purchased = true;
    const value = e.props.value;
    c.revenueCents += typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0;
  }
  if (!bought && e.name !== 'view_item') return;
  const items = (c.items ??= []);
  for (const [item, revenue] of itemLines(e.props)) {
    let counted = items.find(([id]) => id === item);
    if (!counted) {
      if (items.length >= MAX_COUNTED_ITEMS) continue;
      items.push((counted = [item, 0, 0, 0]));
    }
    if (bought) (counted[2] += 1), (counted[3] += revenue);
    else counted[1] += 1;
  }
}

/** Why a stored session is a bot's, or null for a person's. */
export const botReason = (s: WatchedSession): BotReason | null => (s.bot ? s.watch?.reason ?? 'automation' : null);

/** Flagged sessions by reason (the `reason` the shard keeps in the session's state; flagged at the collector when absent). */
export function botSessionCounts(sql: SqlStorage): { reason: BotReason; sessions: number }[] {
  return sql
    .exec<{ reason: BotReason; sessions: number }>(
      "SELECT coalesce(state ->> '$.watch.reason', 'automation') AS reason, count(*) AS sessions FROM sessions WHERE bot = 1 GROUP BY 1 ORDER BY 1")
    .toArray();
}

/** May the session teach the shop-wide models now: not flagged, and engaged like a person? */
export const mayTeach = (s: WatchedSession): boolean => !s.bot && isPlausible(signalsOf(s, watchOf(s)));
