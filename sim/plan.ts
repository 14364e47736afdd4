// A visitor's life, drawn before any campaign is known: who they are (segment, device, tastes),
// when they come back (weekly rhythm), which pages they browse and how long they stay, and the
// random numbers their purchase decisions will use. Nothing here depends on what the visitor is
// shown, so one plan lived under two arms differs only where the arm matters (see live.ts).
import type { SimCatalog, SimProduct } from './catalog';
import {
  CART_PER_BUY, CHANNEL_BUY, CHANNELS, CHECKOUT_PER_BUY, DEVICES, DWELL_S, HOURLY, RETURN_CHANNELS, RETURNING_BUY, SEGMENTS, USER_AGENTS, WEEKDAY,
  rhythm, type Channel, type Device, type Segment,
} from './segments';
import { dirichlet, exponential, hexId, logNormal, pick, pickWeighted, stream, type Random } from './random';

export const DAY_MS = 86_400_000;
const MINUTE = 60_000;
/** A session ends after 30 minutes without activity (sdk/schema/limits.ts): later visits start after that. */
const SESSION_GAP_MS = 31 * MINUTE;
/** Sessions start at least this long before the end, so no event lies in the future. */
export const END_MARGIN_MS = 2 * 3_600_000;
const MAX_SESSION_MS = 50 * MINUTE;
const MAX_PAGES = 40;

export type PageKind = 'home' | 'category' | 'product' | 'search' | 'cart' | 'checkout' | 'order';

export interface PagePlan {
  kind: PageKind;
  /** Page index within the session (ids are keyed by it). */
  n: number;
  at: number;
  dwellMs: number;
  engagedMs: number;
  /** Deepest point seen, % of the page. */
  scroll: number;
  category?: number;
  product?: SimProduct;
  searchTerm?: string;
  /** Products listed on a category page. */
  list?: SimProduct[];
  /** The uniform that decides a click on a promotion seen here. */
  clickU: number;
}

export interface Utm {
  source: string;
  medium: string;
  campaign: string;
}

export interface SessionPlan {
  index: number;
  start: number;
  channel: Channel;
  utm?: Utm;
  referrer?: string;
  /** The browsing part: what the visitor looks at, whatever they are shown. */
  pages: PagePlan[];
  /** One uniform decides cart, checkout and purchase against nested thresholds (live.ts). */
  funnelU: number;
  /** Probabilities before any campaign effect: pCart ≥ pCheckout ≥ pBuy (0 when nothing was viewed in stock). */
  pCart: number;
  pCheckout: number;
  pBuy: number;
  /** What goes into the cart if the visitor adds to it. */
  cart: { product: SimProduct; quantity: number }[];
  /** The funnel's pages, used only when the visitor gets that far: product (to add), cart, checkout, order. */
  funnel: { product: PagePlan | null; cart: PagePlan; checkout: PagePlan; order: PagePlan };
  /** When the session's time is over, funnel included (the next session starts 30 min later at the earliest). */
  reservedEnd: number;
}

export interface VisitorPlan {
  seed: number;
  index: number;
  id: string;
  segment: Segment;
  device: Device;
  userAgent: string;
  /** The visitor's own purchase propensity, mean 1 (log-normal). */
  propensity: number;
  /** Category preferences, summing to 1. */
  prefs: number[];
  sessions: SessionPlan[];
}

export interface PlanWindow {
  /** Days of traffic. */
  days: number;
  /** End of the simulated period, Unix ms. */
  end: number;
}

const MEAN_RHYTHM = (() => {
  const peak = Math.max(...WEEKDAY) * Math.max(...HOURLY);
  let sum = 0;
  for (const w of WEEKDAY) for (const h of HOURLY) sum += (w * h) / peak;
  return sum / (WEEKDAY.length * HOURLY.length);
})();

/** A moment at or after `from` drawn from a Poisson process of `perDay` visits, thinned by the shop's rhythm. */
function nextVisit(random: Random, from: number, perDay: number): number {
  let t = from;
  for (;;) {
    t += exponential(random, (DAY_MS * MEAN_RHYTHM) / perDay);
    if (random() < rhythm(t)) return Math.round(t);
  }
}

/** A first visit in [start, last), uniform over the period but following the shop's rhythm. */
function firstVisit(random: Random, start: number, last: number): number {
  for (;;) {
    const t = start + random() * (last - start);
    if (random() < rhythm(t)) return Math.round(t);
  }
}

const LANDING: Record<Channel, [number, number, number]> = {
  // home, category, product
  direct: [0.75, 0.15, 0.1],
  organic: [0.2, 0.3, 0.5],
  paid: [0, 0.4, 0.6],
  social: [0.2, 0.2, 0.6],
  email: [0.4, 0.4, 0.2],
  referral: [0.3, 0.2, 0.5],
};
const REFERRERS: Record<Channel, string | undefined> = {
  direct: undefined,
  organic: 'https://www.google.com/',
  paid: 'https://www.google.com/',
  social: 'https://www.instagram.com/',
  email: undefined,
  referral: 'https://www.outdoor-gear-blog.example/best-of-the-year',
};
const UTMS: Partial<Record<Channel, Utm[]>> = {
  paid: [
    { source: 'google', medium: 'cpc', campaign: 'brand' },
    { source: 'google', medium: 'cpc', campaign: 'shopping' },
  ],
  social: [
    { source: 'instagram', medium: 'social', campaign: 'spring-looks' },
    { source: 'facebook', medium: 'social', campaign: 'spring-looks' },
  ],
  email: [{ source: 'newsletter', medium: 'email', campaign: 'weekly' }],
};

/** Page-to-page transitions: weights of home, category, product, search (search and home scaled by segment). */
function nextKind(random: Random, from: PageKind, seg: Segment): PageKind {
  const s = seg.search;
  const h = seg.home;
  const w: Record<string, [number, number, number, number]> = {
    home: [0, 5, 3, 2 * s],
    category: [0.5 * h, 1, 7, s],
    product: [h, 3, 4, 1.5 * s],
    search: [0.2 * h, 1, 8, 2],
  };
  return (['home', 'category', 'product', 'search'] as const)[pickWeighted(random, w[from] ?? w.home)];
}

function dwell(random: Random, kind: PageKind, seg: Segment): number {
  return Math.round(Math.min(10 * MINUTE, Math.max(400, logNormal(random, DWELL_S[kind] * 1000 * seg.dwell, 0.8))));
}

function page(random: Random, kind: PageKind, n: number, at: number, seg: Segment): PagePlan {
  const dwellMs = dwell(random, kind, seg);
  // Scrolling follows dwell: a page left at once was barely scrolled.
  const reach = kind === 'home' ? 8000 : 15000;
  const scroll = Math.round(Math.min(100, 100 * (1 - Math.exp(-dwellMs / reach)) * (0.6 + 0.6 * random())));
  const engagedMs = Math.round(dwellMs * (0.5 + 0.5 * random()));
  return { kind, n, at, dwellMs, engagedMs, scroll, clickU: random() };
}

function pickProduct(random: Random, catalog: SimCatalog, category: number, seg: Segment): SimProduct {
  const products = catalog.categories[category].products;
  const mean = products.reduce((a, p) => a + p.priceCents, 0) / products.length;
  return products[pickWeighted(random, products.map((p) => p.popularity * (p.priceCents / mean) ** -seg.priceSensitivity * (p.inStock ? 1 : 0.3)))];
}

/** The products a category page lists: its 12 most popular. */
function categoryList(catalog: SimCatalog, category: number): SimProduct[] {
  return catalog.categories[category].products.slice().sort((a, b) => b.popularity - a.popularity).slice(0, 12);
}

function planSession(random: Random, visitor: Omit<VisitorPlan, 'sessions'>, index: number, start: number, catalog: SimCatalog): SessionPlan {
  const seg = visitor.segment;
  const channel = index === 0 ? CHANNELS[pickWeighted(random, seg.channels)] : CHANNELS[pickWeighted(random, RETURN_CHANNELS)];
  const utms = UTMS[channel];
  const utm = utms ? pick(random, utms) : undefined;
  const theme = pickWeighted(random, visitor.prefs);
  const category = () => (random() < 0.7 ? theme : pickWeighted(random, visitor.prefs));
  const pageCount = random() < seg.bounce ? 1 : Math.min(MAX_PAGES, 2 + Math.floor(exponential(random, seg.pages - 1)));

  const pages: PagePlan[] = [];
  let kind: PageKind = (['home', 'category', 'product'] as const)[pickWeighted(random, LANDING[channel])];
  let at = start;
  let lastList: SimProduct[] | undefined;
  for (let n = 0; n < pageCount && at - start < MAX_SESSION_MS; n++) {
    if (n > 0) kind = nextKind(random, pages[n - 1].kind, seg);
    const p = page(random, kind, n, at, seg);
    if (kind === 'category') {
      p.category = category();
      p.list = lastList = categoryList(catalog, p.category);
    } else if (kind === 'product') {
      // From a list, the visitor mostly opens one of its products; otherwise one of a category they like.
      const fromList = lastList && random() < 0.7;
      p.product = fromList ? lastList![pickWeighted(random, lastList!.map((x) => x.popularity))] : pickProduct(random, catalog, category(), seg);
      p.category = p.product.categoryIndex;
    } else if (kind === 'search') {
      p.category = category();
      p.searchTerm = pick(random, catalog.searchTerms[p.category]);
      p.list = lastList = categoryList(catalog, p.category).slice(0, 8);
    }
    pages.push(p);
    at += p.dwellMs + 800 + Math.round(random() * 3200);
  }

  // The purchase funnel: what would be bought, and how likely, before any campaign effect.
  const viewed = pages.filter((p) => p.product?.inStock).map((p) => p.product!);
  const productViews = pages.filter((p) => p.kind === 'product').length;
  const pBuy = viewed.length
    ? Math.min(0.6, seg.buy * visitor.propensity * CHANNEL_BUY[channel] * (index > 0 ? RETURNING_BUY : 1) * (0.7 + 0.15 * Math.min(productViews, 4)))
    : 0;
  const pCart = Math.min(0.95, pBuy * CART_PER_BUY);
  const pCheckout = Math.min(pCart, pBuy * CHECKOUT_PER_BUY);
  const cart: SessionPlan['cart'] = [];
  if (viewed.length) {
    cart.push({ product: viewed[viewed.length - 1], quantity: random() < 0.1 ? 2 : 1 });
    const other = viewed[Math.floor(random() * viewed.length)];
    if (random() < 0.3 && other !== cart[0].product) cart.push({ product: other, quantity: 1 });
  }
  const last = pages[pages.length - 1];
  // The visitor goes back to the product to add it, unless they are on it.
  const addOn = last.kind === 'product' && last.product === cart[0]?.product ? null : page(random, 'product', 100, at, seg);
  if (addOn && cart[0]) {
    addOn.product = cart[0].product;
    addOn.category = cart[0].product.categoryIndex;
  }
  let t = addOn ? at + addOn.dwellMs + 2000 : at;
  const cartPage = page(random, 'cart', 101, t, seg);
  t += cartPage.dwellMs + 2000;
  const checkout = page(random, 'checkout', 102, t, seg);
  t += checkout.dwellMs + 3000;
  const order = page(random, 'order', 103, t, seg);
  t += order.dwellMs;
  return {
    index, start, channel, utm, referrer: REFERRERS[channel], pages,
    funnelU: random(), pCart, pCheckout, pBuy, cart,
    funnel: { product: addOn, cart: cartPage, checkout, order },
    reservedEnd: t,
  };
}

/** Draws visitor `index` of `seed`: the same seed and index always give the same visitor. */
export function planVisitor(seed: number, index: number, window: PlanWindow, catalog: SimCatalog): VisitorPlan {
  const who = stream(seed, 'visitor', index);
  const segment = SEGMENTS[pickWeighted(who, SEGMENTS.map((s) => s.share))];
  const device = DEVICES[pickWeighted(who, segment.devices)];
  const sigma = 0.5;
  const visitor = {
    seed,
    index,
    id: hexId(seed, 'visitor', index),
    segment,
    device,
    userAgent: pick(who, USER_AGENTS[device]),
    propensity: Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - who())) * Math.cos(2 * Math.PI * who()) - (sigma * sigma) / 2),
    prefs: dirichlet(who, catalog.categories.map(() => 1 / catalog.categories.length), segment.focus * catalog.categories.length / 4),
  };
  const schedule = stream(seed, 'schedule', index);
  const first = window.end - window.days * DAY_MS;
  const last = window.end - END_MARGIN_MS;
  const sessions: SessionPlan[] = [];
  for (let t = firstVisit(schedule, first, last); t < last; ) {
    const session = planSession(stream(seed, 'session', index, sessions.length), visitor, sessions.length, t, catalog);
    sessions.push(session);
    if (schedule() < segment.churn) break;
    t = Math.max(nextVisit(schedule, t, segment.visitsPerDay), session.reservedEnd + SESSION_GAP_MS);
  }
  return { ...visitor, sessions };
}
