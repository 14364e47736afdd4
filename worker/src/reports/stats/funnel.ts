// Funnel view_item → add_to_cart → begin_checkout → purchase, counted in visitors who did each step.

export interface FunnelStep {
  step: string;
  visitors: number;
}

export interface FunnelRate extends FunnelStep {
  /** Share of the base (exposed visitors, or the first step's visitors) who did this step. */
  rate_from_start: number | null;
  /** Share of the previous step's visitors (the base for the first step). */
  rate_from_previous: number | null;
}

const share = (part: number, whole: number): number | null =>
  whole > 0 && Number.isFinite(part) && Number.isFinite(whole) ? part / whole : null;

/**
 * Step rates for one arm. Comparisons between arms should use each step's rate per exposed visitor
 * (a proportion of randomized visitors); rates from the previous step condition on a post-treatment
 * event and are descriptive only.
 */
export function funnelRates(steps: readonly FunnelStep[], exposedVisitors?: number): FunnelRate[] {
  const base = exposedVisitors ?? steps[0]?.visitors ?? 0;
  return steps.map((s, i) => ({
    step: s.step,
    visitors: s.visitors,
    rate_from_start: share(s.visitors, base),
    rate_from_previous: share(s.visitors, i === 0 ? base : steps[i - 1].visitors),
  }));
}
