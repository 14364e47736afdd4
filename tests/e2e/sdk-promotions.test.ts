// The promotion fields' file (linger-promo.js) in real Chromium: loaded only for a visitor who was
// shown a promotion (the renderer's mark in localStorage) or on pages with slots, and the cart
// events of such a visitor carry the promotion their items were shown in.
import { describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, queuedInBrowser, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();

describe('promotion fields in a real browser', () => {
  it('are loaded for a visitor shown a promotion, and put on the cart event', async () => {
    const context = await browser().newContext();
    const requested: string[] = [];
    context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const page = await context.newPage();
    // A category page has no slots: without the mark, the file is not loaded.
    await page.goto(`${base}/c/shoes`);
    const visitor = await visitorOf(page);
    const item = await page.getAttribute('ul[data-linger-list] li:nth-child(1)', 'data-linger-item');
    await eventually(async () => expect(await queuedInBrowser(page)).toBe(0));
    expect(requested).not.toContain('/sdk/linger-promo.js');

    // (As the renderer records an item shown by a campaign.)
    const promotion = { promotion_id: 'cmp_e2e', creative_slot: 'home-recs', decision_id: 'dec_e2e' };
    await page.evaluate(([id, p]) => localStorage.setItem('linger:promo', JSON.stringify({ [id as string]: p })), [item, promotion] as const);
    await page.goto(`${base}/c/shoes`);
    // At once: the command waits until the file is loaded.
    await page.evaluate((id) => (window as any).linger('track', 'add_to_cart', { currency: 'EUR', value: 10, items: [{ item_id: id, price: 10 }] }), item);
    const cart = await eventually(async () => {
      const events = (await stored(base, visitor)).filter((e) => e.name === 'add_to_cart');
      expect(events).toHaveLength(1);
      return events[0];
    });
    expect(cart.props.items).toEqual([{ item_id: item, price: 10, ...promotion }]);
    expect(requested.filter((p) => p === '/sdk/linger-promo.js')).toHaveLength(1);
    await context.close();
  });
});
