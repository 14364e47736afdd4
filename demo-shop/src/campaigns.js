// The demo shop's campaigns, as data in the campaign API's format (POST /v1/admin/campaigns),
// seeded at start. One per slot the shop declares (src/pages.js), each with a holdout that
// keeps the shop's default content, so that the reports have a control group to compare with.
// Creatives are plain text; `{code}` is the only placeholder.

// They start with the demo's simulated history of the last 21 days (sim/demo-history.ts).
const START = new Date(Date.now() - 22 * 86_400_000).toISOString().slice(0, 10);

export const DEMO_CAMPAIGNS = [
  {
    id: 'spring-sale-hero',
    name: 'Spring sale in the home hero',
    type: 'promotion',
    slots: ['home-hero'],
    start: START,
    priority: 10,
    caps: { per_day: 5, per_week: 20 },
    targeting: { page_types: ['home'] },
    variants: [
      {
        name: 'ten-percent',
        weight: 1,
        content: {
          title: 'Spring sale: 10 % off jackets',
          text: 'Light layers for changing weather. Use code {code} at checkout until Sunday.',
          code: 'SPRING10',
          image: '/img/p016.svg',
          link: '/c/jackets',
          cta: 'Shop jackets',
        },
      },
      {
        name: 'free-shipping',
        weight: 1,
        content: {
          title: 'Free shipping on every order this week',
          text: 'No minimum, no code needed: we cover delivery on all 120 products.',
          image: '/img/p046.svg',
          link: '/c/bags',
          cta: 'Find a new bag',
        },
      },
    ],
    holdout: 0.1,
    window_days: 7,
  },
  {
    id: 'newsletter-outdoor-hero',
    name: 'Newsletter readers: the outdoor edit',
    type: 'promotion',
    slots: ['home-hero'],
    start: START,
    // Wins over the spring sale for visitors who came from the newsletter.
    priority: 20,
    caps: { per_day: 3, per_week: 10 },
    targeting: { page_types: ['home'], utm_source: ['newsletter'] },
    variants: [
      {
        name: 'outdoor-edit',
        weight: 1,
        content: {
          title: 'Thanks for reading: 15 % off outdoor gear',
          text: 'Tents, stoves and bottles for the first long weekend. Code {code}.',
          code: 'READER15',
          image: '/img/p106.svg',
          link: '/c/outdoor',
          cta: 'Gear up',
        },
      },
    ],
    holdout: 0.15,
    window_days: 7,
  },
  {
    id: 'home-recommended',
    name: 'Recommended for you on the home page',
    type: 'recommendation',
    slots: ['home-recs'],
    start: START,
    priority: 10,
    caps: { per_day: 50, per_week: 200 },
    targeting: { page_types: ['home'] },
    variants: [{ name: 'personal', weight: 1, content: { title: 'Recommended for you', strategy: 'personal' } }],
    holdout: 0.2,
    window_days: 7,
  },
  {
    id: 'product-bought-together',
    name: 'Frequently bought together on product pages',
    type: 'recommendation',
    slots: ['product-fbt'],
    start: START,
    priority: 10,
    caps: { per_day: 50, per_week: 200 },
    targeting: { page_types: ['product'] },
    variants: [
      { name: 'bought-together', weight: 1, content: { title: 'Frequently bought together', strategy: 'bought_together' } },
      { name: 'similar', weight: 1, content: { title: 'You may also like', strategy: 'similar' } },
    ],
    holdout: 0.1,
    window_days: 7,
  },
  {
    id: 'cart-upsell',
    name: 'Cart upsell',
    type: 'recommendation',
    slots: ['cart-upsell'],
    start: START,
    priority: 10,
    caps: { per_day: 20, per_week: 100 },
    targeting: { page_types: ['cart'], cart_value_min: 1 },
    variants: [{ name: 'goes-with-cart', weight: 1, content: { title: 'Goes well with your cart', strategy: 'bought_together' } }],
    holdout: 0.1,
    window_days: 7,
  },
  {
    id: 'exit-voucher',
    name: 'Exit voucher for high-intent cart abandoners',
    type: 'promotion',
    slots: ['exit-voucher'],
    start: START,
    priority: 30,
    // At most twice a week: a voucher shown on every exit teaches visitors to leave.
    caps: { per_day: 1, per_week: 2 },
    targeting: { page_types: ['cart', 'product'], intent_min: 0.5, cart_value_min: 1, exit_intent: true },
    variants: [
      {
        name: 'ten-off-cart',
        weight: 1,
        content: {
          title: 'Before you go: 10 % off your cart',
          text: 'Your cart is saved. Complete your order today with code {code}.',
          code: 'STAY10',
          link: '/cart',
          cta: 'Back to my cart',
        },
      },
    ],
    holdout: 0.1,
    window_days: 3,
  },
];
