// Targeting: the rules alone, then the same rules over what the collector learned from real events.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Targeting } from '../../worker/src/campaigns/definition';
import { matchesTargeting, type PageFacts, type VisitorFacts } from '../../worker/src/campaigns/targeting';
import { BASE, TEST_SITE, makeEvent } from './helpers';
import { MOBILE_UA, create, decide, inShard, promotion, send, vid } from './campaigns-helpers';

const visitor: VisitorFacts = { intent: 0.62, segment: 'Bargain hunters', lifecycle: 'engaged', cartValue: 80, utm: { source: 'newsletter', medium: 'email', campaign: 'spring' }, device: 'mobile', returning: false };
const page: PageFacts = { page: 'cart', category: 'Shoes', exit: true };

describe('matchesTargeting', () => {
  const cases: [Targeting, boolean][] = [
    [{}, true],
    [{ intent_min: 0.6 }, true],
    [{ intent_min: 0.62, intent_max: 0.62 }, true], // the band includes its ends
    [{ intent_min: 0.63 }, false],
    [{ intent_max: 0.5 }, false],
    [{ segments: ['bargain hunters', 'Loyal'] }, true], // any entry, ignoring case
    [{ segments: ['Loyal'] }, false],
    [{ lifecycle: ['new', 'engaged'] }, true],
    [{ lifecycle: ['loyal'] }, false],
    [{ page_types: ['cart', 'checkout'] }, true],
    [{ page_types: ['home'] }, false],
    [{ categories: ['shoes'] }, true],
    [{ categories: ['Bags'] }, false],
    [{ cart_value_min: 80, cart_value_max: 100 }, true],
    [{ cart_value_min: 80.01 }, false],
    [{ cart_value_max: 79.99 }, false],
    [{ utm_source: ['Newsletter'], utm_medium: ['email'], utm_campaign: ['spring', 'summer'] }, true],
    [{ utm_source: ['ads'] }, false],
    [{ utm_campaign: ['winter'] }, false],
    [{ devices: ['mobile', 'tablet'] }, true],
    [{ devices: ['desktop'] }, false],
    [{ visitor: 'new' }, true],
    [{ visitor: 'returning' }, false],
    [{ exit_intent: true }, true],
    [{ exit_intent: false }, false],
    // every rule must hold
    [{ intent_min: 0.5, page_types: ['cart'], devices: ['mobile'], visitor: 'new' }, true],
    [{ intent_min: 0.5, page_types: ['cart'], devices: ['desktop'], visitor: 'new' }, false],
  ];
  for (const [rules, expected] of cases) {
    it(`${JSON.stringify(rules)} → ${expected}`, () => expect(matchesTargeting(rules, visitor, page)).toBe(expected));
  }

  it('does not match rules about what is unknown', () => {
    const stranger: VisitorFacts = { intent: null, segment: null, lifecycle: 'new', cartValue: 0, utm: null, device: 'desktop', returning: false };
    const home: PageFacts = { page: 'home', category: null, exit: false };
    expect(matchesTargeting({ intent_max: 1 }, stranger, home)).toBe(false);
    expect(matchesTargeting({ segments: ['Bargain hunters'] }, stranger, home)).toBe(false);
    expect(matchesTargeting({ utm_source: ['newsletter'] }, stranger, home)).toBe(false);
    expect(matchesTargeting({ categories: ['Shoes'] }, stranger, home)).toBe(false);
    expect(matchesTargeting({ cart_value_max: 10, visitor: 'new', lifecycle: ['new'] }, stranger, home)).toBe(true);
  });
});

/** Which of `slots` got a campaign for the visitor. */
async function decided(visitorId: string, slots: string[], extra = '', ua?: string) {
  const res = await decide(`visitor=${visitorId}&page=${extra.includes('page=') ? '' : 'home'}${extra.replace(/^&?page=/, '')}&slots=${slots.join(',')}`, { ua });
  expect(res.status).toBe(200);
  return res.body.decisions.filter((d: any) => d.campaign).map((d: any) => d.slot).sort();
}

describe('targeting over what the collector knows', () => {
  it('reads the intent score, cart value, session UTM, segment, lifecycle and visit count from the visitor\'s shard', async () => {
    const v = vid('visitor-tgt-facts');
    const now = Date.now();
    let seq = 0;
    const ev = (name: any, props: any = {}) => makeEvent({ visitor_id: v, session_id: 'session-tgt-facts', name, props, seq: ++seq, ts: now - 120_000 + seq * 1_000, utm: { source: 'newsletter', medium: 'email', campaign: 'spring' } });
    await send([
      ev('page_view'),
      ev('view_item', { item_id: 'p1', item_category: 'Shoes', price: 30 }),
      ev('add_to_cart', { items: [{ item_id: 'p1', price: 30, quantity: 2 }], value: 60, currency: 'EUR' }),
      ev('view_item', { item_id: 'p2', item_category: 'Socks', price: 15 }),
      ev('add_to_cart', { item_id: 'p2', price: 15 }),
    ]);
    const profile = await (await exports.default.fetch(`${BASE}/v1/visitors/${v}/profile?site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.adminKey}` } })).json<any>();
    const intent: number = profile.session.intent;
    expect(intent).toBeGreaterThan(0);
    const rules: Record<string, object> = {
      'tgt-intent-in': { intent_min: Math.max(0, intent - 0.05), intent_max: Math.min(1, intent + 0.05) },
      'tgt-intent-out': intent < 0.95 ? { intent_min: intent + 0.05 } : { intent_max: intent - 0.05 },
      'tgt-cart-in': { cart_value_min: 75, cart_value_max: 75 }, // 2 × 30 + 15
      'tgt-cart-out': { cart_value_min: 75.01 },
      'tgt-utm-in': { utm_source: ['NEWSLETTER'], utm_medium: ['email'] },
      'tgt-utm-out': { utm_campaign: ['winter'] },
      'tgt-new': { visitor: 'new' },
      'tgt-returning': { visitor: 'returning' },
      'tgt-life': { lifecycle: [profile.lifecycle] },
      'tgt-seg': { segments: ['Bargain hunters'] },
    };
    for (const [slot, targeting] of Object.entries(rules)) await create(promotion([slot], { holdout: 0, targeting }));
    const slots = Object.keys(rules);
    expect(await decided(v, slots)).toEqual(['tgt-cart-in', 'tgt-intent-in', 'tgt-life', 'tgt-new', 'tgt-utm-in']);

    // an item removed from the cart, a segment given by the model, a UTM named by the landing page
    await send([ev('remove_from_cart', { item_id: 'p2' })]);
    await inShard(v, "UPDATE profiles SET segment = 'Bargain hunters' WHERE visitor_id = ?", v);
    const notIntent = slots.filter((s) => !s.startsWith('tgt-intent'));
    expect(await decided(v, notIntent, '&utm_campaign=winter')).toEqual(['tgt-life', 'tgt-new', 'tgt-seg', 'tgt-utm-out']);
  });

  it('a visitor is returning from their second visit, or when their first has gone idle', async () => {
    for (const slot of ['ret-new', 'ret-returning']) await create(promotion([slot], { holdout: 0, targeting: { visitor: slot === 'ret-new' ? 'new' : 'returning' } }));
    const slots = ['ret-new', 'ret-returning'];
    expect(await decided(vid('visitor-ret-unknown'), slots)).toEqual(['ret-new']);
    await send([makeEvent({ visitor_id: vid('visitor-ret-active'), session_id: 'session-ret-a1', ts: Date.now() - 60_000 })]);
    expect(await decided(vid('visitor-ret-active'), slots)).toEqual(['ret-new']);
    await send([makeEvent({ visitor_id: vid('visitor-ret-idle'), session_id: 'session-ret-i1', ts: Date.now() - 2 * 3_600_000 })]);
    expect(await decided(vid('visitor-ret-idle'), slots)).toEqual(['ret-returning']);
    await send([
      makeEvent({ visitor_id: vid('visitor-ret-two'), session_id: 'session-ret-t1', ts: Date.now() - 2 * 86_400_000 }),
      makeEvent({ visitor_id: vid('visitor-ret-two'), session_id: 'session-ret-t2', ts: Date.now() - 60_000 }),
    ]);
    expect(await decided(vid('visitor-ret-two'), slots)).toEqual(['ret-returning']);
  });

  it('reads the page type, category and exit intent from the request, and the device from its browser', async () => {
    const rules: Record<string, object> = {
      'pg-cart': { page_types: ['cart'] },
      'pg-shoes': { categories: ['Shoes'] },
      'pg-exit': { exit_intent: true },
      'pg-stay': { exit_intent: false },
      'pg-mobile': { devices: ['mobile'] },
    };
    for (const [slot, targeting] of Object.entries(rules)) await create(promotion([slot], { holdout: 0, targeting }));
    const slots = Object.keys(rules);
    expect(await decided(vid('visitor-pg-0001'), slots, '&page=cart&category=shoes&exit=1', MOBILE_UA)).toEqual(['pg-cart', 'pg-exit', 'pg-mobile', 'pg-shoes']);
    expect(await decided(vid('visitor-pg-0001'), slots, '&page=product&category=Bags&exit=0')).toEqual(['pg-stay']);
  });
});
