// The TRUE effect of each campaign, from potential outcomes: every visitor of a large offline
// population (no collector) lives their plan twice, in the variant and in the holdout, with the
// same random numbers and the same arms in every other campaign (drawn as the collector would).
// The difference of their per-visitor conversions within the window after first exposure,
// averaged over the visitors the campaign reaches, is the population average treatment effect
// that a report's confidence interval should cover.
import { HOLDOUT, type SimCampaign } from './campaigns';
import type { SimCatalog } from './catalog';
import { localArms, withVariant } from './assign';
import { live, type Outcome } from './live';
import { planVisitor, type PlanWindow } from './plan';

export type Estimand = 'observed' | 'mature';

export interface TrueEffect {
  campaign: string;
  variant: string;
  /** Visitors of the population who were exposed (the same set in both arms). */
  exposed: number;
  holdoutRate: number;
  variantRate: number;
  /** The average treatment effect on conversion within the window (variant − holdout). */
  absolute: number;
  relative: number;
  /** Monte Carlo standard error of `absolute`. */
  se: number;
  /** The effect on revenue per exposed visitor, in cents. */
  revenueCents: number;
  /** The same effect among visitors whose whole window lies before the end of the data. */
  mature: { exposed: number; absolute: number; se: number };
}

interface Sums {
  n: number;
  y0: number;
  y1: number;
  d: number;
  d2: number;
  rev: number;
  mn: number;
  md: number;
  md2: number;
}

/**
 * True effects of every variant of every campaign, over `visitors` offline visitors drawn with
 * `seed` (use one no real run uses). Throws if a campaign's exposure ever depended on its own
 * arm, which would make the comparison meaningless.
 */
export function trueEffects(campaigns: readonly SimCampaign[], window: PlanWindow, catalog: SimCatalog, options: { seed: number; visitors: number }): TrueEffect[] {
  const sums = new Map<string, Sums>();
  const keyOf = (c: SimCampaign, v: string) => `${c.key}\u0000${v}`;
  for (const c of campaigns) for (const v of c.definition.variants) sums.set(keyOf(c, v.name), { n: 0, y0: 0, y1: 0, d: 0, d2: 0, rev: 0, mn: 0, md: 0, md2: 0 });

  for (let i = 0; i < options.visitors; i++) {
    const plan = planVisitor(options.seed, i, window, catalog);
    const arms = localArms(options.seed, i, campaigns);
    for (const c of campaigns) {
      const control = live(plan, withVariant(arms, c, HOLDOUT), campaigns).outcomes.get(c.key);
      for (const v of c.definition.variants) {
        const treated = live(plan, withVariant(arms, c, v.name), campaigns).outcomes.get(c.key);
        if (!control && !treated) continue;
        if (!control || !treated || control.firstExposure !== treated.firstExposure) {
          throw new Error(`campaign ${c.key}: visitor ${i}'s exposure depends on its own arm`);
        }
        add(sums.get(keyOf(c, v.name))!, control, treated, window.end);
      }
    }
  }

  const effects: TrueEffect[] = [];
  for (const c of campaigns) {
    for (const v of c.definition.variants) {
      const s = sums.get(keyOf(c, v.name))!;
      const mean = s.n ? s.d / s.n : 0;
      const mMean = s.mn ? s.md / s.mn : 0;
      effects.push({
        campaign: c.key,
        variant: v.name,
        exposed: s.n,
        holdoutRate: s.n ? s.y0 / s.n : 0,
        variantRate: s.n ? s.y1 / s.n : 0,
        absolute: mean,
        relative: s.y0 ? (s.y1 - s.y0) / s.y0 : 0,
        se: s.n > 1 ? Math.sqrt((s.d2 / s.n - mean * mean) / s.n) : 0,
        revenueCents: s.n ? s.rev / s.n : 0,
        mature: { exposed: s.mn, absolute: mMean, se: s.mn > 1 ? Math.sqrt((s.md2 / s.mn - mMean * mMean) / s.mn) : 0 },
      });
    }
  }
  return effects;
}

function add(s: Sums, control: Outcome, treated: Outcome, end: number) {
  const y0 = control.converted ? 1 : 0;
  const y1 = treated.converted ? 1 : 0;
  const d = y1 - y0;
  s.n++;
  s.y0 += y0;
  s.y1 += y1;
  s.d += d;
  s.d2 += d * d;
  s.rev += treated.revenueCents - control.revenueCents;
  if (control.windowEnd <= end) {
    s.mn++;
    s.md += d;
    s.md2 += d * d;
  }
}

/** The truth a report is compared with: the whole window, or only visitors whose window is over. */
export function truthValue(effect: TrueEffect, estimand: Estimand): number {
  return estimand === 'mature' ? effect.mature.absolute : effect.absolute;
}
