// One arm's headline figures for the report tables, from its rollup sums.
import { meanEstimate } from './means';
import type { MeanSums, RatioSums } from './moments';
import { proportionEstimate } from './proportions';
import { ratioEstimate } from './ratio';

export interface ArmRollup {
  /** Exposed visitors. */
  visitors: number;
  /** Visitors who converted in their window. */
  conversions: number;
  /** Per-visitor (capped) revenue: n = visitors, Σy, Σy². */
  revenue?: MeanSums;
  /** AOV as a ratio per visitor: m = revenue, d = orders. */
  orders?: RatioSums;
  /** CTR as a ratio per visitor: m = clicks, d = viewable impressions. */
  clicks?: RatioSums;
}

export interface ArmSummary {
  visitors: number;
  conversions: number;
  conversion_rate: number | null;
  conversion_rate_se: number | null;
  revenue: number | null;
  revenue_per_visitor: number | null;
  revenue_per_visitor_se: number | null;
  orders: number | null;
  aov: number | null;
  aov_se: number | null;
  impressions: number | null;
  clicks: number | null;
  ctr: number | null;
  ctr_se: number | null;
}

const se = (variance: number | undefined) => (variance === undefined ? null : Math.sqrt(variance));

/** Rates and means with their standard errors (null where undefined: no visitors, no orders, …). */
export function armSummary(arm: ArmRollup): ArmSummary {
  const rate = proportionEstimate(arm);
  const rpv = arm.revenue ? meanEstimate(arm.revenue) : null;
  const aov = arm.orders ? ratioEstimate(arm.orders) : null;
  const ctr = arm.clicks ? ratioEstimate(arm.clicks) : null;
  return {
    visitors: arm.visitors,
    conversions: arm.conversions,
    conversion_rate: rate?.value ?? null,
    conversion_rate_se: se(rate?.variance),
    revenue: arm.revenue?.sum ?? null,
    revenue_per_visitor: rpv?.value ?? (arm.revenue && arm.revenue.n === 1 ? arm.revenue.sum : null),
    revenue_per_visitor_se: se(rpv?.variance),
    orders: arm.orders?.sumD ?? null,
    aov: aov?.value ?? (arm.orders && arm.orders.sumD > 0 ? arm.orders.sumM / arm.orders.sumD : null),
    aov_se: se(aov?.variance),
    impressions: arm.clicks?.sumD ?? null,
    clicks: arm.clicks?.sumM ?? null,
    ctr: ctr?.value ?? (arm.clicks && arm.clicks.sumD > 0 ? arm.clicks.sumM / arm.clicks.sumD : null),
    ctr_se: se(ctr?.variance),
  };
}
