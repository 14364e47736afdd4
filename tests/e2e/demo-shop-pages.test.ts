// The demo shop's own scripts in Chromium, with the real tracker and collector: the cart's Remove
// buttons keep working whatever was clicked before, and a search results list is recorded once.
import { describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the demo shop', () => {
  it('cart: Remove works after other clicks in the cart, and again after a removal', async () => {
    const catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
    const [a, b, c] = catalog.products.filter((p: any) => p.inStock);
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.addInitScript((cart) => localStorage.getItem('demo-cart') || localStorage.setItem('demo-cart', cart), JSON.stringify([a, b, c].map((p) => ({ id: p.id, qty: 1 }))));
    await page.goto(`${base}/cart`);
    await page.waitForSelector('#cart tr');
    expect(await page.locator('#cart tr').count()).toBe(3);
    await page.click('#cart .total'); // a click elsewhere in the cart
    await page.click('#cart td:first-child', { position: { x: 1, y: 1 } });
    await page.click(`#cart button.remove[data-id="${a.id}"]`);
    await eventually(async () => expect(await page.locator('#cart tr').count()).toBe(2), 5_000);
    await page.click('#cart .total');
    await page.click(`#cart button.remove[data-id="${c.id}"]`);
    await eventually(async () => expect(await page.locator('#cart tr').count()).toBe(1), 5_000);
    expect(await page.textContent('#cart-count')).toBe('1');
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('demo-cart')))!)).toEqual([{ id: b.id, qty: 1 }]);
    const visitor = await visitorOf(page);
    await eventually(async () => {
      const removed = (await stored(base, visitor)).filter((e) => e.name === 'remove_from_cart');
      expect(removed.map((e) => e.props.item_id)).toEqual([a.id, c.id]);
    });
    await context.close();
  });

  it('search: the results list is recorded once, also when a click in it loads the product tracking', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${base}/search?q=shoe`);
    await page.waitForSelector('#results li.tile a');
    const visitor = await visitorOf(page);
    const item = await page.getAttribute('#results li.tile:nth-child(2)', 'data-linger-item');
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault())); // the visitor stays on the page
    await page.click('#results li.tile:nth-child(2) a'); // loads linger-items.js (the list was drawn after parsing), which scans the page
    await eventually(async () => {
      const events = await stored(base, visitor);
      expect(events.filter((e) => e.name === 'select_item').map((e) => [e.props.item_id, e.props.item_list_name])).toEqual([[item, 'Search results']]);
    });
    await sleep(1_500);
    const events = await stored(base, visitor);
    expect(events.filter((e) => e.name === 'view_item_list').map((e) => e.props.item_list_name)).toEqual(['Search results']);
    expect(events.filter((e) => e.name === 'search').map((e) => e.props.search_term)).toEqual(['shoe']);
    await context.close();
  });
});
