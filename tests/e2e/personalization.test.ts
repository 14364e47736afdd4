// The demo shop's visitors get recommendations and scores that change as they browse.
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { HUMAN_UA, browserPerFile, eventually, profileOf, queuedInBrowser, stayActive, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile({ human: true });
let inStock: { id: string; category: string }[];

beforeAll(async () => {
  const catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
  inStock = catalog.products.filter((p: any) => p.inStock).map((p: any) => ({ id: p.id, category: p.category }));
});

describe('personalization in the demo shop', () => {
  it('recommends what other shoppers viewed together, and scores the visit as it goes', async () => {
    const a = inStock[3];
    const b = inStock.find((p) => p.category !== a.category)!;
    // Three shoppers look at product a, then product b. Each product view is stored before the
    // shopper goes on: the SDK makes it once its product tracking file has loaded, and a page
    // left sooner than that (a few ms after load, in a new browser) makes none.
    for (let i = 0; i < 3; i++) {
      const context = await browser().newContext({ userAgent: HUMAN_UA });
      const page = await context.newPage();
      for (const product of [a, b]) {
        await page.goto(`${base}/p/${product.id}`);
        await eventually(async () => {
          const events = await stored(base, await visitorOf(page));
          expect(events.some((e) => e.name === 'view_item' && e.props.item_id === product.id)).toBe(true);
        });
      }
      const events = await stored(base, await visitorOf(page));
      expect(events.every((e) => e.bot === false)).toBe(true);
      await context.close();
    }

    // A new shopper on product a is shown b, because the others viewed them together. (Their
    // sessions and their pairs reach the recommender on its own schedule, up to a few seconds
    // apart on a busy machine: b may first lead as a similar session's item; it ends up leading
    // as viewed together.)
    const context = await browser().newContext({ userAgent: HUMAN_UA });
    const page = await context.newPage();
    await eventually(async () => {
      await page.goto(`${base}/p/${a.id}`);
      await page.waitForSelector('[data-linger-slot="product-fbt"] .linger-box li', { timeout: 3_000 });
      const first = await page.$eval('[data-linger-slot="product-fbt"] .linger-box li', (li) => ({ id: li.getAttribute('data-item'), reason: li.getAttribute('data-reason') }));
      expect(first).toEqual({ id: b.id, reason: 'viewed_together' });
    });
    expect(await page.textContent('[data-linger-slot="product-fbt"] .linger-box li .linger-reason')).toBe('Viewed together');

    // The score follows the visit: browsing, then a cart add.
    const visitor = await visitorOf(page);
    await stayActive(page, 2_000);
    await page.goto(`${base}/p/${inStock[20].id}`);
    await eventually(async () => expect(await queuedInBrowser(page)).toBe(0));
    const browsing = await eventually(async () => {
      const p = await profileOf(base, visitor);
      expect(p.session.features.product_views).toBeGreaterThanOrEqual(2);
      return p;
    });
    await page.click('#add-to-cart');
    const carting = await eventually(async () => {
      const p = await profileOf(base, visitor);
      expect(p.session.features.cart_adds).toBe(1);
      return p;
    });
    expect(carting.session.intent).toBeGreaterThan(browsing.session.intent);
    expect(carting.cart).toEqual([inStock[20].id]);
    expect(['new', 'engaged']).toContain(carting.lifecycle);

    // The home page now has recommendations for this visitor (this session, and what was seen).
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-linger-slot="home-recs"] .linger-box li');
    const reasons = await page.$$eval('[data-linger-slot="home-recs"] .linger-box li', (lis) => lis.map((li) => li.getAttribute('data-reason')));
    expect(reasons.length).toBeGreaterThan(0);
    await context.close();
  });
});
