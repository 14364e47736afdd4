// Arms drawn by the simulator itself: for dry runs, and for the offline population that gives
// the true effects. Like the collector's, an assignment is a fixed function of visitor ×
// campaign; its holdout share and variant weights are the campaign's.
import { HOLDOUT, type SimCampaign } from './campaigns';
import type { Arms, Assignment } from './live';
import { hexId, uniform } from './random';

export function localAssignment(seed: number, visitorIndex: number, campaign: SimCampaign): Assignment {
  const { holdout, variants, slots } = campaign.definition;
  const u = uniform(seed, 'assign', visitorIndex, campaign.key);
  let variant = HOLDOUT;
  if (u >= holdout) {
    const total = variants.reduce((a, v) => a + v.weight, 0);
    let r = ((u - holdout) / (1 - holdout)) * total;
    variant = variants[variants.length - 1].name;
    for (const v of variants) {
      if ((r -= v.weight) < 0) {
        variant = v.name;
        break;
      }
    }
  }
  return { campaignId: campaign.key, variant, decisionId: hexId(seed, 'decision', visitorIndex, campaign.key), slot: slots[0] ?? '' };
}

export function localArms(seed: number, visitorIndex: number, campaigns: readonly SimCampaign[]): Map<string, Assignment> {
  return new Map(campaigns.map((c) => [c.key, localAssignment(seed, visitorIndex, c)]));
}

/** The same arms with one campaign's variant replaced. */
export function withVariant(arms: Arms, campaign: SimCampaign, variant: string): Map<string, Assignment> {
  const copy = new Map(arms);
  copy.set(campaign.key, { ...arms.get(campaign.key)!, variant });
  return copy;
}
