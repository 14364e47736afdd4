// A visitor's journey against a collector, in time order as a browser lives it. Campaigns that
// target what the visitor did (a cart, an intent score, exit intent, the newsletter they came
// from) are decided at each moment they may show: the visitor's events up to that moment are
// sent first, so the collector's targeting reads them, then GET /v1/decide is asked as the SDK
// would ask it, and the visitor lives on with the answer. Earlier events never change, since an
// answer matters only from its moment on; sending checks that.
import type { SimCampaign } from './campaigns';
import type { Decision } from './client';
import type { SimEvent } from './events';
import { live, type Assignment, type LivedVisitor } from './live';
import type { VisitorPlan } from './plan';
import { collectorGate, isDynamic, type Moment } from './targeting';

export interface JourneyIo {
  /** GET /v1/decide for the moment. */
  decide: (moment: Moment) => Promise<Decision[]>;
  /** Sends events (in order; called with consecutive runs of them). */
  send: (events: SimEvent[]) => Promise<void>;
  render: (lived: LivedVisitor, arms: ReadonlyMap<string, Assignment>) => SimEvent[];
  /** Campaign id at the collector → simulated campaign. */
  byId: ReadonlyMap<string, SimCampaign>;
}

/** Events before this instant are what the collector must have when the moment's decision is asked. */
const cutOf = (m: Moment) => (m.exit ? m.at : m.at + 1); // a page's own page_view comes first

/**
 * Lives the plan, deciding at each moment where a targeted campaign may show; `arms` holds the
 * campaigns decided up front and gains those the moments assign. Answers the lived visitor
 * and every event, all of them sent.
 */
export async function journey(plan: VisitorPlan, arms: Map<string, Assignment>, campaigns: readonly SimCampaign[], io: JourneyIo): Promise<{ lived: LivedVisitor; events: SimEvent[] }> {
  const answers = new Map<string, Set<string>>();
  const sent: SimEvent[] = [];
  let lived = live(plan, arms, campaigns, collectorGate(answers));
  let events = io.render(lived, arms);
  for (;;) {
    const next = lived.moments.find(({ moment, candidates }) => !answers.has(moment.id) && candidates.some(isDynamic));
    const upTo = next ? events.findIndex((e) => e.ts >= cutOf(next.moment)) : -1;
    const due = events.slice(sent.length, upTo < 0 ? events.length : upTo);
    if (due.length) {
      await io.send(due);
      sent.push(...due);
    }
    if (!next) return { lived, events };

    const shown = new Set<string>();
    let assigned = false;
    for (const d of await io.decide(next.moment)) {
      const c = io.byId.get(String(d.campaign));
      if (!c) continue;
      shown.add(c.key);
      if (!arms.has(c.key)) {
        arms.set(c.key, { campaignId: String(d.campaign), variant: d.variant, decisionId: d.decision_id, slot: d.slot });
        assigned = true;
      }
    }
    // What the journey showed there before it asked: the campaigns decided up front.
    const before = collectorGate(answers)(next.moment, next.candidates.filter((c) => arms.has(c.key)));
    answers.set(next.moment.id, shown);
    if (!assigned && before.length === shown.size && before.every((c) => shown.has(c.key))) continue; // nothing changes

    lived = live(plan, arms, campaigns, collectorGate(answers));
    events = io.render(lived, arms);
    for (let i = 0; i < sent.length; i++) {
      if (events[i]?.event_id !== sent[i].event_id || events[i].name !== sent[i].name || events[i].ts !== sent[i].ts) {
        throw new Error(`visitor ${plan.id}: event ${sent[i].event_id} changed after it was sent (a decision changed the past)`);
      }
    }
  }
}
