// One page view's campaign decisions, made inside the visitor's shard, where what targeting
// needs already lives: per slot (in the order asked) the eligible campaign with the highest
// priority, each campaign at most once per page. Eligibility (schedule and status are checked
// by the caller; targeting and caps here) is decided before the arm, so it is the same for
// both arms. Every decision is recorded, for the holdout as for the treatment.
import { assignArm, type Arms } from './assignment';
import { exposuresOf, withinCaps } from './caps';
import { HOLDOUT, type Caps, type Targeting } from './definition';
import { assign } from './records';
import { factsNeeded, matchesTargeting, type PageFacts, type VisitorFacts } from './targeting';
import { visitorFacts } from './visitor-facts';

/** What the shard needs of a campaign to decide (its content stays with the route). */
export interface CampaignRule extends Arms {
  type: 'promotion' | 'recommendation';
  slots: readonly string[];
  priority: number;
  caps: Caps;
  targeting: Targeting;
}

export interface DecideRequest {
  /** Live campaigns that may fill one of the slots, highest priority first. */
  campaigns: CampaignRule[];
  slots: string[];
  /** Slots that show recommendations when no campaign takes them. */
  fallback: string[];
  page: PageFacts;
  device: string;
  /** The landing page's UTM, when the request names it. */
  utm: VisitorFacts['utm'];
  now: number;
}

export interface SlotDecision {
  slot: string;
  campaign: string;
  /** A variant's name, or "holdout". */
  variant: string;
  decision_id: string;
}

export function decideCampaigns(sql: SqlStorage, visitorId: string, req: DecideRequest): { decisions: SlotDecision[]; wantsRecs: boolean } {
  const decisions: SlotDecision[] = [];
  if (req.campaigns.length) {
    const facts = visitorFacts(sql, visitorId, req.now, req.device, factsNeeded(req.campaigns.map((c) => c.targeting)), req.utm);
    const capped = req.campaigns.some((c) => c.caps.per_day !== undefined || c.caps.per_week !== undefined);
    const seen = capped ? exposuresOf(sql, visitorId, req.now) : new Map();
    const eligible = new Map<string, boolean>();
    const isEligible = (c: CampaignRule) => {
      let ok = eligible.get(c.id);
      if (ok === undefined) eligible.set(c.id, (ok = withinCaps(c.caps, seen.get(c.id)) && matchesTargeting(c.targeting, facts, req.page)));
      return ok;
    };
    const used = new Set<string>();
    for (const slot of req.slots) {
      const c = req.campaigns.find((x) => !used.has(x.id) && x.slots.includes(slot) && isEligible(x));
      if (!c) continue;
      used.add(c.id);
      const decisionId = crypto.randomUUID();
      const variant = assign(sql, c.id, visitorId, assignArm(c, visitorId), decisionId, req.now);
      decisions.push({ slot, campaign: c.id, variant, decision_id: decisionId });
    }
  }
  const typeOf = new Map(req.campaigns.map((c) => [c.id, c.type]));
  const wantsRecs =
    decisions.some((d) => d.variant !== HOLDOUT && typeOf.get(d.campaign) === 'recommendation') ||
    req.fallback.some((slot) => !decisions.some((d) => d.slot === slot));
  return { decisions, wantsRecs };
}
