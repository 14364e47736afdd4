// One page view's campaign decisions, made inside the visitor's shard, where what targeting
// needs already lives: per slot (in the order asked) the eligible campaign with the highest
// priority, each campaign at most once per page. Eligibility (schedule and status are checked
// by the caller; targeting and caps here) is decided before the arm, so it is the same for
// both arms. Every first decision is recorded, for the holdout as for the treatment
// (recordDecisions, which the shard calls before it answers).
import { assignArm, type Arms } from './assignment';
import { exposuresOf, withinCaps } from './caps';
import type { Caps, Strategy, Targeting } from './definition';
import { recordAssignment, recordedArm } from './records';
import { factsNeeded, matchesTargeting, type PageFacts, type VisitorFacts } from './targeting';
import { visitorFacts } from './visitor-facts';

/** What the shard needs of a campaign to decide (its content stays with the route). */
export interface CampaignRule extends Arms {
  type: 'promotion' | 'recommendation';
  slots: readonly string[];
  priority: number;
  caps: Caps;
  targeting: Targeting;
  /** For a recommendation campaign, what each variant's slot shows. */
  variants: readonly { name: string; weight: number; recs?: { strategy: Strategy; limit: number } }[];
}

export interface DecideRequest {
  site: string;
  /** Live campaigns that may fill one of the slots, highest priority first. */
  campaigns: CampaignRule[];
  slots: string[];
  /** Slots that show recommendations when no campaign takes them. */
  fallback: string[];
  page: PageFacts;
  /** The product the page shows, if any (for recommendations). */
  item: string | null;
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

export interface Decided {
  decisions: SlotDecision[];
  /** Decisions that assign the visitor for the first time: to be recorded before the answer. */
  firsts: SlotDecision[];
  /** Fallback slots no campaign took. */
  open: string[];
}

/** The page's decisions. Reads only: the first assignments are written by recordDecisions. */
export function decideCampaigns(sql: SqlStorage, visitorId: string, req: DecideRequest): Decided {
  const decisions: SlotDecision[] = [];
  const firsts: SlotDecision[] = [];
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
      const recorded = recordedArm(sql, c.id, visitorId);
      const decision = { slot, campaign: c.id, variant: recorded ?? assignArm(c, visitorId), decision_id: crypto.randomUUID() };
      decisions.push(decision);
      if (recorded === null) firsts.push(decision);
    }
  }
  const open = req.fallback.filter((slot) => !decisions.some((d) => d.slot === slot));
  return { decisions, firsts, open };
}

/** Records the first assignments of a page's decisions, both arms alike. */
export function recordDecisions(sql: SqlStorage, visitorId: string, firsts: readonly SlotDecision[], now: number): void {
  for (const d of firsts) recordAssignment(sql, d.campaign, visitorId, d.variant, d.decision_id, now);
}
