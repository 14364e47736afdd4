// Bots from more than the user agent: what a session did that no person does. A flagged
// session is stored and counted apart (visible to the admin), and kept out of reports,
// trending, co-occurrence and training.

/** What the shard knows of a session, enough to judge it. */
export interface SessionSignals {
  /** Events stored for the session, and the span of their (server) times. */
  events: number;
  start: number;
  last: number;
  pageViews: number;
  engagedMs: number;
  /** Purchases, and purchases listing items none of which the visitor had viewed before. */
  purchases: number;
  purchasesUnviewed: number;
}

export type BotReason = 'automation' | 'too_fast' | 'too_many_pages' | 'no_engagement' | 'purchase_without_view' | 'busy_address';

export const BOT_LIMITS = {
  /** Sustained events per second over a session of at least `minEvents`. */
  eventsPerSecond: 5,
  minEvents: 30,
  pagesPerSession: 1_000,
  /** Page views after which a session with no engaged time at all is not a person's. */
  pagesWithoutEngagement: 8,
};

/** Why a session is not a person's, or null when nothing says so. */
export function behaviourFlag(s: SessionSignals): BotReason | null {
  const seconds = Math.max(1, (s.last - s.start) / 1000);
  if (s.events >= BOT_LIMITS.minEvents && s.events / seconds > BOT_LIMITS.eventsPerSecond) return 'too_fast';
  if (s.pageViews > BOT_LIMITS.pagesPerSession) return 'too_many_pages';
  if (s.purchasesUnviewed > 0) return 'purchase_without_view';
  // Not a purchase alone: an engagement report can be lost as the page closes, and a real order
  // must stay in the reports (it teaches the shop-wide models nothing without engagement anyway).
  if (s.engagedMs === 0 && s.pageViews >= BOT_LIMITS.pagesWithoutEngagement) return 'no_engagement';
  return null;
}

/**
 * May a session teach the shop-wide models (trending, co-occurrence) yet? Only once it shows a
 * person's engagement, so a script that sends views or a purchase in one request teaches nothing.
 * Any engaged time will do: a shopper clicking through product pages spends well under a second
 * on some, and a script that fakes engagement would fake any amount (the per-session cap and the
 * busy-address and rate limits bound those).
 */
export function isPlausible(s: SessionSignals): boolean {
  return behaviourFlag(s) === null && s.engagedMs > 0;
}
