// A planned visitor lives their sessions under given campaign arms. The arms change only the
// purchase funnel: a variant's injected effect multiplies the cart, checkout and purchase
// propensity from the visitor's first exposure to its campaign on. One uniform per session
// decides the funnel against nested thresholds, so a stronger effect can only add conversions
// (common random numbers: the two potential outcomes of a visitor differ only by the effect).
import type { SimProduct } from './catalog';
import { effectOf, HOLDOUT, type SimCampaign } from './campaigns';
import { DAY_MS, type PagePlan, type SessionPlan, type VisitorPlan } from './plan';
import { hexId } from './random';

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
}

/** When a slot at `depth` % of the page becomes viewable (≥ 50 % visible for 1 s), or null. */
export function viewableAt(page: PagePlan, depth: number): number | null {
  if (page.dwellMs < 1000 + 500 || page.scroll < depth) return null;
  return page.at + 1000 + Math.round((depth / 100) * (page.dwellMs - 1500) * 0.5);
}

const cartValue = (lines: readonly { product: SimProduct; quantity: number }[]) => lines.reduce((a, l) => a + l.product.priceCents * l.quantity, 0);

export function live(plan: VisitorPlan, arms: Arms, campaigns: readonly SimCampaign[]): LivedVisitor {
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
  const exposeOn = (page: LivedPage, placement: SimCampaign['placement']) => {
    for (const c of assigned) {
      if (c.placement !== placement) continue;
      const at = viewableAt(page.plan, c.depth);
      if (at !== null) expose(page, c, at);
    }
  };

  const sessions: LivedSession[] = plan.sessions.map((s) => {
    const session: LivedSession = { plan: s, pages: [] };
    s.pages.forEach((p, i) => {
      const page: LivedPage = { plan: p, exposures: [] };
      if (p.kind === 'home' || p.kind === 'product') exposeOn(page, p.kind);
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
      exposeOn(cartOn, 'product');
      session.pages.push(cartOn);
    } else cartOn = session.pages[session.pages.length - 1];
    cartOn.addToCart = decideCart;
    const cartPage: LivedPage = { plan: f.cart, exposures: [] };
    exposeOn(cartPage, 'cart');
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
      }
    }
    // Leaving with a full cart: the exit-intent slot shows as the last page is left.
    if (!bought) {
      const lastPage = session.pages[session.pages.length - 1];
      for (const c of assigned) if (c.placement === 'exit') expose(lastPage, c, lastPage.plan.at + Math.max(0, lastPage.plan.dwellMs - 800));
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
  return { plan, sessions, outcomes };
}
