// A planned visitor lives their sessions under given campaign arms. The arms change only the
// purchase funnel: a variant's injected effect multiplies the cart, checkout and purchase
// propensity from the visitor's first exposure to its campaign on. One uniform per session
// decides the funnel against nested thresholds, so a stronger effect can only add conversions
// (common random numbers: the two potential outcomes of a visitor differ only by the effect).
import type { SimProduct } from './catalog';
import { effectOf, HOLDOUT, type SimCampaign } from './campaigns';
import { DAY_MS, type PagePlan, type SessionPlan, type VisitorPlan } from './plan';
import { hexId } from './random';
import { localGate, mayShow, type Gate, type Moment } from './targeting';

/** Share of checkout abandoners who go back to their cart before leaving (to check the total, shipping, a code). */
const BACK_TO_CART = 0.6;

/** A visitor's place in one campaign, as GET /v1/decide tells it. */
export interface Assignment {
  /** The campaign's id at the collector. */
  campaignId: string;
  variant: string;
  decisionId: string;
  slot: string;
}

/** Campaign key → assignment; a campaign missing here is not shown to the visitor at all. */
export type Arms = ReadonlyMap<string, Assignment>;

export interface Exposure {
  campaign: SimCampaign;
  at: number;
}

export interface LivedPage {
  plan: PagePlan;
  /** view_promotion events (within the campaign's frequency caps; the first is always there). */
  exposures: Exposure[];
  click?: Exposure;
  addToCart?: number;
  beginCheckout?: number;
  purchase?: { at: number; transactionId: string; valueCents: number };
}

export interface LivedSession {
  plan: SessionPlan;
  pages: LivedPage[];
  /** The promotion clicked last in the session: its items carry its promotion fields (GA4). */
  promotion?: Exposure;
}

/** A visitor's outcome in one campaign: per-visitor conversion within the window after first exposure. */
export interface Outcome {
  firstExposure: number;
  /** End of the window: first exposure + window_days. */
  windowEnd: number;
  converted: boolean;
  purchases: number;
  revenueCents: number;
}

export interface LivedVisitor {
  plan: VisitorPlan;
  sessions: LivedSession[];
  /** Campaign key → outcome, for the campaigns the visitor was exposed to. */
  outcomes: Map<string, Outcome>;
  /** In time order, the moments where some campaign's slot may show, with those campaigns (assigned or not). */
  moments: { moment: Moment; candidates: SimCampaign[] }[];
}

/** When a slot at `depth` % of the page becomes viewable (≥ 50 % visible for 1 s), or null. */
export function viewableAt(page: PagePlan, depth: number): number | null {
  if (page.dwellMs < 1000 + 500 || page.scroll < depth) return null;
  return page.at + 1000 + Math.round((depth / 100) * (page.dwellMs - 1500) * 0.5);
}

const cartValue = (lines: readonly { product: SimProduct; quantity: number }[]) => lines.reduce((a, l) => a + l.product.priceCents * l.quantity, 0);

/**
 * Lives the plan under the arms. `gate` says which campaigns take their slots at each moment
 * (by default the simulator's own reading of their targeting; run.ts passes the collector's
 * answers); a campaign missing from `arms` never shows.
 */
export function live(plan: VisitorPlan, arms: Arms, campaigns: readonly SimCampaign[], gate: Gate = localGate): LivedVisitor {
  const firstExposure = new Map<string, number>();
  const shown: { key: string; at: number }[] = [];
  const purchases: { at: number; valueCents: number }[] = [];
  const sensitivity = plan.segment.promoSensitivity;
  const assigned = campaigns.filter((c) => arms.has(c.key));

  /** The product of the effects active at time t: campaigns first seen by then, in the visitor's arm. */
  const multiplier = (t: number) => {
    let m = 1;
    for (const c of assigned) {
      const seen = firstExposure.get(c.key);
      if (seen !== undefined && seen <= t) m *= Math.max(0, 1 + (effectOf(c, arms.get(c.key)!.variant) - 1) * sensitivity);
    }
    return m;
  };
  /** Frequency caps: impressions per UTC day and per 7 days. The first exposure always counts. */
  const withinCaps = (c: SimCampaign, at: number) => {
    const caps = c.definition.caps ?? {};
    const mine = shown.filter((s) => s.key === c.key);
    const day = Math.floor(at / DAY_MS);
    if (caps.per_day && mine.filter((s) => Math.floor(s.at / DAY_MS) === day).length >= caps.per_day) return false;
    if (caps.per_week && mine.filter((s) => s.at > at - 7 * DAY_MS).length >= caps.per_week) return false;
    return true;
  };
  const expose = (page: LivedPage, c: SimCampaign, at: number) => {
    if (!firstExposure.has(c.key)) firstExposure.set(c.key, at);
    else if (!withinCaps(c, at)) return;
    shown.push({ key: c.key, at });
    page.exposures.push({ campaign: c, at });
  };
  const moments: LivedVisitor['moments'] = [];
  /** The campaigns that show at a moment: those that may show there, then the gate's choice among the visitor's. */
  const shownAt = (m: Moment) => {
    const candidates = campaigns.filter((c) => mayShow(c, m));
    if (!candidates.length) return [];
    moments.push({ moment: m, candidates });
    return gate(m, candidates.filter((c) => arms.has(c.key)));
  };
  const momentOf = (s: SessionPlan, p: PagePlan, cartCents: number, checkout: boolean, exit = false): Moment => ({
    id: `${s.index}/${p.n}${exit ? '/exit' : ''}`,
    at: exit ? exitAt(p) : p.at,
    page: p.kind,
    exit,
    ...(s.utm ? { utm: s.utm } : {}),
    device: plan.device,
    cartCents,
    checkout,
    ...(p.product ? { item: p.product.id } : {}),
  });
  /** A page view: each campaign shown there is exposed once its slot becomes viewable. */
  const exposeOn = (page: LivedPage, m: Moment) => {
    for (const c of shownAt(m)) {
      const at = viewableAt(page.plan, c.depth);
      if (at !== null) expose(page, c, at);
    }
  };

  const sessions: LivedSession[] = plan.sessions.map((s) => {
    const session: LivedSession = { plan: s, pages: [] };
    s.pages.forEach((p, i) => {
      const page: LivedPage = { plan: p, exposures: [] };
      if (p.kind === 'home' || p.kind === 'product') exposeOn(page, momentOf(s, p, 0, false));
      // A click on our content (not the holdout's default) when the visitor goes on to a product or category:
      // the click is how they got there, so the path stays the same in both arms.
      const next = s.pages[i + 1];
      if (next && (next.kind === 'category' || next.kind === 'product')) {
        const clicked = page.exposures.find((e) => arms.get(e.campaign.key)!.variant !== HOLDOUT && p.clickU < e.campaign.clickRate * plan.segment.clicks);
        if (clicked) page.click = session.promotion = { campaign: clicked.campaign, at: Math.max(clicked.at + 300, p.at + p.dwellMs - 300) };
      }
      session.pages.push(page);
    });

    const f = s.funnel;
    const u = s.funnelU;
    const decideCart = f.product ? f.product.at + Math.round(f.product.dwellMs * 0.6) : s.pages[s.pages.length - 1].at + Math.round(s.pages[s.pages.length - 1].dwellMs * 0.6);
    const tCart = Math.min(1, s.pCart * multiplier(decideCart));
    if (u >= tCart) return session;

    // Cart: on the product page (the last one browsed, or a revisit).
    let cartOn: LivedPage;
    if (f.product) {
      cartOn = { plan: f.product, exposures: [] };
      exposeOn(cartOn, momentOf(s, f.product, 0, false));
      session.pages.push(cartOn);
    } else cartOn = session.pages[session.pages.length - 1];
    cartOn.addToCart = decideCart;
    const inCart = cartValue(s.cart);
    const cartPage: LivedPage = { plan: f.cart, exposures: [] };
    exposeOn(cartPage, momentOf(s, f.cart, inCart, false));
    session.pages.push(cartPage);

    const decideCheckout = f.cart.at + f.cart.dwellMs - 500;
    const tCheckout = Math.min(tCart, s.pCheckout * multiplier(decideCheckout));
    let bought = false;
    if (u < tCheckout) {
      cartPage.beginCheckout = decideCheckout;
      const checkoutPage: LivedPage = { plan: f.checkout, exposures: [] };
      session.pages.push(checkoutPage);
      const decideBuy = f.checkout.at + f.checkout.dwellMs - 500;
      if (u < Math.min(tCheckout, s.pBuy * multiplier(decideBuy))) {
        bought = true;
        const valueCents = cartValue(s.cart);
        const at = f.order.at + 300;
        const orderPage: LivedPage = {
          plan: f.order,
          exposures: [],
          purchase: { at, valueCents, transactionId: `T${hexId(plan.seed, 'order', plan.index, s.index).slice(0, 16).toUpperCase()}` },
        };
        session.pages.push(orderPage);
        purchases.push({ at, valueCents });
      } else if (f.order.clickU < BACK_TO_CART) {
        // Back to the cart, in the time the order page would have taken (its uniforms are otherwise unused).
        const back = { ...f.order, kind: 'cart' as const, n: f.order.n + 1 };
        const backPage: LivedPage = { plan: back, exposures: [] };
        exposeOn(backPage, momentOf(s, back, inCart, true));
        session.pages.push(backPage);
      }
    }
    // Leaving with a full cart: on a desktop (the pointer heads for the tab bar), from a page with the exit slot.
    const lastPage = session.pages[session.pages.length - 1];
    if (!bought && plan.device === 'desktop' && (lastPage.plan.kind === 'cart' || lastPage.plan.kind === 'product')) {
      const m = momentOf(s, lastPage.plan, inCart, cartPage.beginCheckout !== undefined, true);
      for (const c of shownAt(m)) expose(lastPage, c, m.at);
    }
    return session;
  });

  const outcomes = new Map<string, Outcome>();
  for (const c of assigned) {
    const first = firstExposure.get(c.key);
    if (first === undefined) continue;
    const windowEnd = first + c.definition.window_days * DAY_MS;
    const inWindow = purchases.filter((p) => p.at >= first && p.at < windowEnd);
    outcomes.set(c.key, {
      firstExposure: first,
      windowEnd,
      converted: inWindow.length > 0,
      purchases: inWindow.length,
      revenueCents: inWindow.reduce((a, p) => a + p.valueCents, 0),
    });
  }
  return { plan, sessions, outcomes, moments };
}

/** When exit intent fires on a page: as the visitor leaves it. */
const exitAt = (p: PagePlan) => p.at + Math.max(0, p.dwellMs - 800);
