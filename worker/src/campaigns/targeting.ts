// Targeting: does a campaign's audience include this visitor on this page? Every rule given must
// hold (AND); a list matches when any of its entries does (OR), ignoring case. A rule about
// something unknown (no intent score yet, no segment) does not match.
import type { LifecycleStage } from '../ml/lifecycle';
import type { PageType, Targeting } from './definition';

/** What the collector knows about the visitor, read in their shard (see visitor-facts.ts). */
export interface VisitorFacts {
  /** The latest session's purchase-intent score, 0–1. */
  intent: number | null;
  segment: string | null;
  lifecycle: LifecycleStage;
  /** Value of the items in the cart (see visitor-facts.ts for how it is summed). */
  cartValue: number;
  utm: { source?: string; medium?: string; campaign?: string } | null;
  device: string;
  returning: boolean;
}

/** What the decide request says about the page. */
export interface PageFacts {
  page: PageType;
  category: string | null;
  exit: boolean;
}

const inList = (list: readonly string[] | undefined, value: string | null | undefined) =>
  list === undefined || (value != null && list.some((x) => x.toLowerCase() === value.toLowerCase()));

export function matchesTargeting(t: Targeting, v: VisitorFacts, p: PageFacts): boolean {
  if (t.intent_min !== undefined && (v.intent === null || v.intent < t.intent_min)) return false;
  if (t.intent_max !== undefined && (v.intent === null || v.intent > t.intent_max)) return false;
  if (t.cart_value_min !== undefined && v.cartValue < t.cart_value_min) return false;
  if (t.cart_value_max !== undefined && v.cartValue > t.cart_value_max) return false;
  if (t.visitor !== undefined && (t.visitor === 'returning') !== v.returning) return false;
  if (t.exit_intent !== undefined && t.exit_intent !== p.exit) return false;
  return (
    inList(t.segments, v.segment) &&
    inList(t.lifecycle, v.lifecycle) &&
    inList(t.page_types, p.page) &&
    inList(t.categories, p.category) &&
    inList(t.utm_source, v.utm?.source) &&
    inList(t.utm_medium, v.utm?.medium) &&
    inList(t.utm_campaign, v.utm?.campaign) &&
    inList(t.devices, v.device)
  );
}

/** Which facts a set of rules needs beyond the profile: the cart's value and the session's UTM cost extra reads. */
export function factsNeeded(rules: readonly Targeting[]): { cart: boolean; utm: boolean } {
  return {
    cart: rules.some((t) => t.cart_value_min !== undefined || t.cart_value_max !== undefined),
    utm: rules.some((t) => t.utm_source || t.utm_medium || t.utm_campaign),
  };
}
