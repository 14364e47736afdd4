// The purchase-intent features of a live session: only what happened so far in it, plus what
// the visitor did before it. The same vector trains the shop's model and scores the session.
import type { Profile, SessionState } from './session-state';

export const INTENT_FEATURES = [
  'page_views', 'product_views', 'distinct_items', 'distinct_categories', 'engaged_s', 'product_engaged_s_mean',
  'clicks', 'searches', 'cart_adds', 'cart_removes', 'began_checkout', 'from_campaign', 'mobile', 'hour', 'weekday',
  'visit_number', 'log_days_since_previous_visit', 'prior_purchases', 'duration_s',
] as const;

export function intentFeatures(s: SessionState, _p: Profile): number[] {
  const engagedMs = Object.values(s.engaged).reduce((a, b) => a + b, 0);
  const productEngaged = s.productPages.map((page) => s.engaged[page] ?? 0);
  const start = new Date(s.start);
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
    (s.last - s.start) / 1000,
  ];
}
