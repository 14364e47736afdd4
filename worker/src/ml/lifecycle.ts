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

/** What RFM needs of a buyer. */
export interface RfmInput {
  /** Days since the last purchase. */
  days: number;
  purchases: number;
  revenue: number;
}

/**
 * The shop's RFM cut points (4 each), stored with its segment model so one buyer can be scored
 * alone. Recency cuts run from the oldest down: a buyer more recent than k of them scores k + 1.
 */
export interface RfmCuts {
  recencyDays: number[];
  frequency: number[];
  monetary: number[];
}

/**
 * Cut points that give each buyer the quintile of its share of buyers strictly worse than it
 * (so equal values share a score): the q-th cut is the value of the ⌈q·n/5⌉-th worst buyer.
 */
export function rfmCuts(buyers: readonly RfmInput[]): RfmCuts {
  const cuts = (values: number[], worstFirst: (a: number, b: number) => number) => {
    const sorted = values.sort(worstFirst);
    return sorted.length ? [1, 2, 3, 4].map((q) => sorted[Math.ceil((q * sorted.length) / 5) - 1]) : [];
  };
  return {
    recencyDays: cuts(buyers.map((b) => b.days), (a, b) => b - a),
    frequency: cuts(buyers.map((b) => b.purchases), (a, b) => a - b),
    monetary: cuts(buyers.map((b) => b.revenue), (a, b) => a - b),
  };
}

/** Scores 1–5 from the cut points: 5 is the most recent, most frequent, highest spending fifth. */
export function rfmFromCuts(cuts: RfmCuts, b: RfmInput): RfmScore {
  const above = (c: number[], v: number) => 1 + c.filter((x) => v > x).length;
  return { r: 1 + cuts.recencyDays.filter((x) => b.days < x).length, f: above(cuts.frequency, b.purchases), m: above(cuts.monetary, b.revenue) };
}

/** Quintile scores 1–5 among buyers, by the same cut points the served segment model stores. */
export function rfmScores(buyers: Buyer[]): Map<string, RfmScore> {
  const input = (b: Buyer): RfmInput => ({ days: b.daysSinceLastPurchase, purchases: b.purchases, revenue: b.revenue });
  const cuts = rfmCuts(buyers.map(input));
  return new Map(buyers.map((b) => [b.id, rfmFromCuts(cuts, input(b))]));
}
