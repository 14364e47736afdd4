// The behaviour model's parameters: four latent visitor segments, traffic channels, devices and
// the shop's weekly and daily rhythm. Plain numbers, so docs/simulator.md can explain them.

export type SegmentName = 'bargain_hunter' | 'loyal_buyer' | 'browser' | 'researcher';
export type Channel = 'direct' | 'organic' | 'paid' | 'social' | 'email' | 'referral';
export type Device = 'desktop' | 'mobile' | 'tablet';

export interface Segment {
  name: SegmentName;
  /** Share of the visitor population. */
  share: number;
  /** Return visits per day while the visitor is still around. */
  visitsPerDay: number;
  /** Chance, after each session, that the visitor never comes back. */
  churn: number;
  /** Chance that a session is a single page. */
  bounce: number;
  /** Mean number of further pages in a session that does not bounce. */
  pages: number;
  /** Multiplies every page's dwell time. */
  dwell: number;
  /** Weight of going to search from any page (1 = as often as an average visitor). */
  search: number;
  /** Weight of going back to the home page. */
  home: number;
  /** Concentration of category preferences: low means a few favourite categories. */
  focus: number;
  /** Products are picked with weight price^−priceSensitivity: bargain hunters look at cheap ones. */
  priceSensitivity: number;
  /** Chance that a session with at least one product view ends in a purchase, before effects. */
  buy: number;
  /** How strongly a campaign's injected effect acts: multiplier 1 + (m − 1) × this. */
  promoSensitivity: number;
  /** Clicks on a promotion it saw: multiplies the campaign's click rate. */
  clicks: number;
  /** desktop, mobile, tablet. */
  devices: [number, number, number];
  /** How the first session arrives: direct, organic, paid, social, email, referral. */
  channels: [number, number, number, number, number, number];
}

export const SEGMENTS: readonly Segment[] = [
  {
    name: 'bargain_hunter', share: 0.25, visitsPerDay: 0.3, churn: 0.25, bounce: 0.25, pages: 5, dwell: 0.7, search: 1.6, home: 1.2,
    focus: 3, priceSensitivity: 1.2, buy: 0.06, promoSensitivity: 2, clicks: 1.8, devices: [0.35, 0.58, 0.07], channels: [0.2, 0.3, 0.25, 0.15, 0, 0.1],
  },
  {
    name: 'loyal_buyer', share: 0.15, visitsPerDay: 0.45, churn: 0.08, bounce: 0.15, pages: 6, dwell: 1, search: 0.8, home: 1.5,
    focus: 1.5, priceSensitivity: 0, buy: 0.16, promoSensitivity: 0.5, clicks: 1, devices: [0.55, 0.38, 0.07], channels: [0.5, 0.2, 0.05, 0.05, 0.15, 0.05],
  },
  {
    name: 'browser', share: 0.4, visitsPerDay: 0.12, churn: 0.55, bounce: 0.45, pages: 2.5, dwell: 0.8, search: 0.4, home: 1,
    focus: 4, priceSensitivity: 0.3, buy: 0.012, promoSensitivity: 0.8, clicks: 0.7, devices: [0.3, 0.62, 0.08], channels: [0.25, 0.3, 0.15, 0.22, 0, 0.08],
  },
  {
    name: 'researcher', share: 0.2, visitsPerDay: 0.25, churn: 0.3, bounce: 0.1, pages: 10, dwell: 1.8, search: 2.5, home: 0.6,
    focus: 2, priceSensitivity: -0.3, buy: 0.05, promoSensitivity: 1, clicks: 0.6, devices: [0.7, 0.22, 0.08], channels: [0.2, 0.5, 0.1, 0.05, 0, 0.15],
  },
];

export const CHANNELS: readonly Channel[] = ['direct', 'organic', 'paid', 'social', 'email', 'referral'];
export const DEVICES: readonly Device[] = ['desktop', 'mobile', 'tablet'];

/** What a returning session arrives through: more direct, and e-mail for those who get it. */
export const RETURN_CHANNELS: [number, number, number, number, number, number] = [0.5, 0.2, 0.08, 0.07, 0.1, 0.05];

/** Channels change how likely a session is to buy (someone clicking a newsletter came to shop). */
export const CHANNEL_BUY: Record<Channel, number> = { direct: 1.1, organic: 1, paid: 1.1, social: 0.6, email: 1.5, referral: 0.9 };
/** Returning visitors buy more readily than first-time ones. */
export const RETURNING_BUY = 1.35;
/** Cart adds and checkouts per purchase: most carts are abandoned. */
export const CART_PER_BUY = 3;
export const CHECKOUT_PER_BUY = 1.6;

/** Visits by weekday (0 = Sunday): Sunday and Monday evenings are the shop's busiest. */
export const WEEKDAY = [1.3, 1.15, 1.0, 0.95, 0.95, 0.8, 0.9];
/** Visits by hour of day (the shop's local time is UTC here). */
export const HOURLY = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.55, 0.8, 0.95, 1.0, 1.05,
  1.15, 1.1, 1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.45, 1.4, 1.1, 0.6,
];
const PEAK = Math.max(...WEEKDAY) * Math.max(...HOURLY);
/** Relative traffic at a moment, 0–1 (for thinning a uniform arrival process). */
export function rhythm(ms: number): number {
  const d = new Date(ms);
  return (WEEKDAY[d.getUTCDay()] * HOURLY[d.getUTCHours()]) / PEAK;
}

/** Median dwell on a page type, in seconds (multiplied by the segment's factor). */
export const DWELL_S = { home: 9, category: 14, product: 28, search: 11, cart: 20, checkout: 45, order: 12 } as const;

/** A few real browser user agents per device class, so the collector classes them as people. */
export const USER_AGENTS: Record<Device, string[]> = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  ],
  tablet: [
    'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ],
};
