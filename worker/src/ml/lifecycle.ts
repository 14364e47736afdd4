// Lifecycle stages and RFM scores, from recency, frequency and monetary value.

export type LifecycleStage = 'new' | 'engaged' | 'returning' | 'loyal' | 'lapsing' | 'churned';

/** Thresholds a shop can configure. */
export interface LifecycleRules {
  /** No visit for this many days: churned. */
  churnedAfterDays: number;
  /** No visit for this many days: lapsing. */
  lapsingAfterDays: number;
  /** This many purchases, or `loyalVisits` visits: loyal. */
  loyalPurchases: number;
  loyalVisits: number;
  /** A first visit with this much engaged time, or this many product views: engaged. */
  engagedMs: number;
  engagedProductViews: number;
}

export const DEFAULT_LIFECYCLE: LifecycleRules = {
  churnedAfterDays: 90,
  lapsingAfterDays: 30,
  loyalPurchases: 2,
  loyalVisits: 8,
  engagedMs: 60_000,
  engagedProductViews: 3,
};

export interface LifecycleInput {
  daysSinceLastVisit: number;
  visits: number;
  purchases: number;
  engagedMs: number;
  productViews: number;
}

export function lifecycleStage(v: LifecycleInput, rules: LifecycleRules = DEFAULT_LIFECYCLE): LifecycleStage {
  if (v.daysSinceLastVisit >= rules.churnedAfterDays) return 'churned';
  if (v.daysSinceLastVisit >= rules.lapsingAfterDays) return 'lapsing';
  if (v.purchases >= rules.loyalPurchases || v.visits >= rules.loyalVisits) return 'loyal';
  if (v.visits >= 2) return 'returning';
  if (v.engagedMs >= rules.engagedMs || v.productViews >= rules.engagedProductViews) return 'engaged';
  return 'new';
}

export interface Buyer {
  id: string;
  daysSinceLastPurchase: number;
  purchases: number;
  revenue: number;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
}

/** Quintile scores 1–5 among buyers: 5 is the most recent, most frequent, highest spending fifth. Ties share a score. */
export function rfmScores(buyers: Buyer[]): Map<string, RfmScore> {
  const quintile = (value: (b: Buyer) => number) => {
    const sorted = buyers.map(value).sort((a, b) => a - b);
    return (b: Buyer) => {
      // the share of buyers strictly below, so equal values get the same quintile
      let below = 0;
      while (below < sorted.length && sorted[below] < value(b)) below++;
      return Math.min(5, Math.floor((below / sorted.length) * 5) + 1);
    };
  };
  const r = quintile((b) => -b.daysSinceLastPurchase);
  const f = quintile((b) => b.purchases);
  const m = quintile((b) => b.revenue);
  return new Map(buyers.map((b) => [b.id, { r: r(b), f: f(b), m: m(b) }]));
}
