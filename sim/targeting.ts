// Where and when a campaign's slot can show in a simulated journey. A slot is seen at a moment:
// a page view (home, product, cart) or a visitor leaving with a full cart (exit intent). Whether
// a campaign takes its slot there is the collector's call (GET /v1/decide, worker/src/campaigns/
// targeting.ts); the simulator knows enough to tell where it is worth asking (`mayShow`), and,
// without a collector, approximates the answer itself (`localGate`).
import type { Placement, SimCampaign } from './campaigns';
import type { PageKind, Utm } from './plan';

/** A point of a journey where slots are decided, as the SDK would ask GET /v1/decide. */
export interface Moment {
  /** Unique within the visitor: session, page and whether it is the exit. */
  id: string;
  /** When the decision is asked: the page view, or the moment the pointer leaves the page. */
  at: number;
  page: PageKind;
  exit: boolean;
  utm?: Utm;
  device: string;
  /** The session's cart, in cents (0 before anything was added). */
  cartCents: number;
  /** The session began checkout before this moment. */
  checkout: boolean;
  /** The product the page shows, if any. */
  item?: string;
}

type Rules = Record<string, unknown>;
const rulesOf = (c: SimCampaign): Rules => (c.definition.targeting ?? {}) as Rules;
const list = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map((x) => String(x).toLowerCase()) : undefined);
const inList = (value: unknown, x: string | undefined) => {
  const l = list(value);
  return !l || (x !== undefined && l.includes(x.toLowerCase()));
};
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** Rules one decision at the visitor's first visit settles for good: the page type and the device. */
const SETTLED_UP_FRONT = new Set(['page_types', 'devices']);

/**
 * A campaign whose audience depends on what the visitor did or where they came from (UTM, cart,
 * intent, segment …), or that shows on exit: it is decided at the moment it may show, after the
 * visitor's events so far reached the collector, never once up front.
 */
export function isDynamic(c: SimCampaign): boolean {
  if (c.placement === 'exit') return true;
  return Object.entries(rulesOf(c)).some(([rule, value]) => value !== undefined && !SETTLED_UP_FRONT.has(rule));
}

/** The placement a moment offers. */
export const placementAt = (m: Moment): Placement | null => (m.exit ? 'exit' : m.page === 'home' || m.page === 'product' || m.page === 'cart' ? m.page : null);

/**
 * What must hold for the collector to show the campaign here (a necessary condition: the intent
 * score, segment and lifecycle are the collector's to judge).
 */
export function mayShow(c: SimCampaign, m: Moment): boolean {
  if (c.placement !== placementAt(m)) return false;
  const t = rulesOf(c);
  const cart = m.cartCents / 100;
  if (num(t.cart_value_min) !== undefined && cart < num(t.cart_value_min)!) return false;
  if (num(t.cart_value_max) !== undefined && cart > num(t.cart_value_max)!) return false;
  if (typeof t.exit_intent === 'boolean' && t.exit_intent !== m.exit) return false;
  return (
    inList(t.page_types, m.page) &&
    inList(t.devices, m.device) &&
    inList(t.utm_source, m.utm?.source) &&
    inList(t.utm_medium, m.utm?.medium) &&
    inList(t.utm_campaign, m.utm?.campaign)
  );
}

/**
 * The simulator's stand-in for the collector's intent score (only without a collector): a
 * session that began checkout is high-intent, one with a cart middling, others low.
 */
export function localIntent(m: Moment): number {
  return m.checkout ? 0.7 : m.cartCents > 0 ? 0.3 : 0.05;
}

/** Picks, per slot in order, the highest-priority campaign that may show, each at most once (as the collector does). */
export function slotWinners(eligible: readonly SimCampaign[]): SimCampaign[] {
  const byPriority = [...eligible].sort((a, b) => b.definition.priority - a.definition.priority);
  const slots = [...new Set(eligible.flatMap((c) => c.definition.slots))];
  const won: SimCampaign[] = [];
  for (const slot of slots) {
    const c = byPriority.find((x) => !won.includes(x) && x.definition.slots.includes(slot));
    if (c) won.push(c);
  }
  return eligible.filter((c) => won.includes(c));
}

/** Which of the campaigns that may show at a moment (visitor assigned or not) do show. */
export type Gate = (moment: Moment, candidates: readonly SimCampaign[]) => readonly SimCampaign[];

/** Without a collector: the simulator's own reading of the targeting, intent approximated (localIntent). */
export const localGate: Gate = (m, candidates) => {
  const intent = localIntent(m);
  return slotWinners(
    candidates.filter((c) => {
      const t = rulesOf(c);
      return (num(t.intent_min) === undefined || intent >= num(t.intent_min)!) && (num(t.intent_max) === undefined || intent <= num(t.intent_max)!);
    }),
  );
};

/**
 * With a collector: where it was asked, exactly what it answered; elsewhere the campaigns
 * decided up front, which need no moment.
 */
export function collectorGate(answers: ReadonlyMap<string, ReadonlySet<string>>): Gate {
  return (m, candidates) => {
    const shown = answers.get(m.id);
    return shown ? candidates.filter((c) => shown.has(c.key)) : candidates.filter((c) => !isDynamic(c));
  };
}

/** The slots a page declares for a moment: every slot of the campaigns placed there (the exit slots alone on exit). */
export function slotsAt(m: Moment, campaigns: readonly SimCampaign[]): string[] {
  const at = placementAt(m);
  return [...new Set(campaigns.filter((c) => c.placement === at).flatMap((c) => c.definition.slots))];
}

/** The decide request's query for a moment, beyond visitor, token, page and slots. */
export function decideQuery(m: Moment): Record<string, string> {
  return {
    ...(m.exit ? { exit: '1' } : {}),
    ...(m.item ? { item: m.item } : {}),
    ...(m.utm ? { utm_source: m.utm.source, utm_medium: m.utm.medium, utm_campaign: m.utm.campaign } : {}),
  };
}
