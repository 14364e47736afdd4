// Campaigns the simulator runs, each with a KNOWN injected effect: a multiplier on the visitor's
// propensity to add to cart, check out and buy, from the first time the visitor saw the slot.
// The holdout (the shop's default content) has no effect; an A/A campaign has none in any arm.

/** A campaign as the admin API takes it (POST /v1/admin/campaigns). */
export interface CampaignDefinition {
  name: string;
  type: 'promotion' | 'recommendation';
  slots: string[];
  start?: string;
  end?: string;
  priority: number;
  caps?: { per_day?: number; per_week?: number };
  targeting?: Record<string, unknown>;
  variants: { name: string; weight: number; content: unknown }[];
  holdout: number;
  window_days: number;
  [extra: string]: unknown;
}

/** Where a campaign's slot is seen: on which page type, or when a visitor leaves with a full cart. */
export type Placement = 'home' | 'product' | 'cart' | 'exit';

export interface SimCampaign {
  /** A stable local name (also what the simulator's randomness is keyed by). */
  key: string;
  definition: CampaignDefinition;
  /** The injected effect per variant: multiplier on cart, checkout and purchase propensity after exposure (1 if absent). */
  effects: ReadonlyMap<string, number>;
  placement: Placement;
  /** How far down the page the slot sits, in % of the page: viewable once scrolled that far, for ≥ 1 s. */
  depth: number;
  /** Chance that a viewable impression of our content is clicked (when the visitor goes on to another page). */
  clickRate: number;
  /** In the calibration benchmark: a campaign with an injected effect, or an A/A campaign. */
  role: 'effect' | 'aa' | 'demo';
}

export const HOLDOUT = 'holdout';

/** The multiplier a variant injects (holdout and unknown variants: none). */
export function effectOf(campaign: SimCampaign, variant: string): number {
  return variant === HOLDOUT ? 1 : campaign.effects.get(variant) ?? 1;
}

const promo = (title: string, text: string, link: string, code?: string) => ({ title, text, link, ...(code ? { code } : {}) });

function benchCampaign(key: string, role: 'effect' | 'aa', name: string, slot: string, depth: number, effect: number, clickRate: number, content: object): SimCampaign {
  const variant = role === 'aa' ? 'A' : 'treatment';
  return {
    key,
    role,
    placement: 'home',
    depth,
    clickRate,
    effects: new Map([[variant, effect]]),
    definition: {
      name,
      type: 'promotion',
      slots: [slot],
      priority: 10,
      // One impression a day, as a shop caps a banner; it also keeps the benchmark's event count down.
      caps: { per_day: 1 },
      targeting: {},
      variants: [{ name: variant, weight: 1, content }],
      holdout: 0.5,
      window_days: 7,
    },
  };
}

/**
 * The calibration campaigns: four with injected effects (one of them harmful) and four A/A.
 * Each takes its own home-page slot, so a visitor is in all eight, independently assigned,
 * with a 50 % holdout for the most power per visitor. Eight campaigns give 20 seeds 80
 * intervals and 80 A/A tests, so the benchmark's rates are not read off a handful of trials.
 */
export function benchCampaigns(): SimCampaign[] {
  return [
    benchCampaign('hero-voucher', 'effect', 'Sim: hero voucher (effect ×1.15)', 'sim-hero', 0, 1.15, 0.05,
      promo('10 % off your first order', 'Use the code at checkout, this week only.', '/c/shoes', 'HELLO10')),
    benchCampaign('free-shipping', 'effect', 'Sim: free shipping banner (effect ×1.25)', 'sim-banner', 30, 1.25, 0.02,
      promo('Free shipping over €50', 'Delivered in two days, returns are free.', '/c/jackets')),
    benchCampaign('quiz-popin', 'effect', 'Sim: style quiz pop-in (effect ×0.90)', 'sim-strip', 55, 0.9, 0.03,
      promo('Find your style', 'Take our 12-question quiz before you shop.', '/c/knitwear')),
    benchCampaign('loyalty-points', 'effect', 'Sim: double loyalty points (effect ×1.10)', 'sim-points', 20, 1.1, 0.02,
      promo('Double points this week', 'Every euro counts twice toward your next reward.', '/c/bags')),
    benchCampaign('aa-hero-copy', 'aa', 'Sim: A/A hero copy (no effect)', 'sim-aa-1', 5, 1, 0.03,
      promo('New this week', 'Fresh arrivals in every category.', '/c/bags')),
    benchCampaign('aa-usp-bar', 'aa', 'Sim: A/A reasons-to-buy bar (no effect)', 'sim-aa-2', 15, 1, 0.01,
      promo('Why shop with us', 'Fast delivery, free returns, real people on the phone.', '/c/outdoor')),
    benchCampaign('aa-editorial', 'aa', 'Sim: A/A editorial block (no effect)', 'sim-aa-3', 40, 1, 0.02,
      promo('The outdoor edit', 'Our team picks for the season.', '/c/outdoor')),
    benchCampaign('aa-footer', 'aa', 'Sim: A/A footer note (no effect)', 'sim-aa-4', 70, 1, 0.01,
      promo('Made to last', 'Every product comes with a two-year warranty.', '/c/watches')),
  ];
}

/** The demo shop's campaigns (issue 8, part 4), used when demo-shop/src/campaigns.js gives none. */
export function fallbackDemoDefinitions(): CampaignDefinition[] {
  const base = { priority: 10, caps: { per_day: 3, per_week: 10 }, targeting: {}, window_days: 7 };
  return [
    { ...base, name: 'Home hero: spring voucher', type: 'promotion', slots: ['home-hero'], holdout: 0.1,
      variants: [
        { name: 'voucher', weight: 1, content: promo('10 % off this week', 'Use the code at checkout.', '/c/jackets', 'SPRING10') },
        { name: 'free-shipping', weight: 1, content: promo('Free shipping', 'On every order over €50.', '/c/shoes') },
      ] },
    { ...base, name: 'Recommended for you', type: 'recommendation', slots: ['home-recs'], holdout: 0.2,
      variants: [{ name: 'personal', weight: 1, content: { strategy: 'personal', title: 'Recommended for you' } }] },
    { ...base, name: 'Frequently bought together', type: 'recommendation', slots: ['product-together'], holdout: 0.2,
      variants: [{ name: 'bought-together', weight: 1, content: { strategy: 'bought_together', title: 'Frequently bought together' } }] },
    { ...base, name: 'Cart upsell', type: 'recommendation', slots: ['cart-upsell'], holdout: 0.2,
      variants: [{ name: 'similar', weight: 1, content: { strategy: 'similar', title: 'Goes well with your cart' } }] },
    { ...base, name: 'Exit intent: cart voucher', type: 'promotion', slots: ['exit-intent'], holdout: 0.2, caps: { per_day: 1, per_week: 2 },
      variants: [{ name: 'voucher', weight: 1, content: promo('Wait! 5 % off your cart', 'Your cart is saved for 24 hours.', '/cart', 'STAY5') }] },
  ];
}

/** Where a slot is seen, from its name or the campaign's targeting. */
export function placementOf(definition: CampaignDefinition): Placement {
  const text = `${definition.slots.join(' ')} ${JSON.stringify(definition.targeting ?? {})}`.toLowerCase();
  if (text.includes('exit')) return 'exit';
  if (/cart|checkout/.test(definition.slots.join(' ').toLowerCase())) return 'cart';
  if (/product|pdp|item|together/.test(definition.slots.join(' ').toLowerCase())) return 'product';
  return 'home';
}

/** Effects injected into the demo's campaigns, by words in their names (first match wins). */
const DEMO_EFFECTS: [RegExp, number][] = [
  [/a\/a|aa test|no effect/i, 1],
  [/exit/i, 1.3],
  [/voucher|discount|sale|hero/i, 1.15],
  [/together|bundle/i, 1.08],
  [/upsell|cart/i, 1.05],
  [/recommend|for you/i, 1.1],
];

/**
 * Simulated campaigns for given definitions (the demo shop's): placement from the slot,
 * an effect by the campaign's name (promotions 1.1, recommendations 1.05 by default), the
 * same for every variant except ones named control.
 */
export function simCampaignsFor(definitions: readonly CampaignDefinition[]): SimCampaign[] {
  return definitions.map((definition, i) => {
    const named = DEMO_EFFECTS.find(([pattern]) => pattern.test(definition.name));
    const effect = named ? named[1] : definition.type === 'promotion' ? 1.1 : 1.05;
    const placement = placementOf(definition);
    const slot = definition.slots[0] ?? '';
    return {
      key: `demo-${i}-${definition.name}`,
      role: 'demo',
      definition,
      placement,
      depth: /hero|exit|top/i.test(slot) || placement === 'exit' ? 0 : placement === 'product' ? 55 : 40,
      clickRate: definition.type === 'promotion' ? 0.04 : 0.06,
      effects: new Map(definition.variants.map((v) => [v.name, /control/i.test(v.name) ? 1 : effect])),
    };
  });
}
