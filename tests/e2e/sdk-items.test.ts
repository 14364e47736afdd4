// The product tracking's file (linger-items.js) in real Chromium against the real collector: the
// tracker loads it on pages with product markup, and holds the clicks made in that markup until
// it arrives; a click whose page is left before it arrives still arrives, as a plain click, and
// a product page left before it arrives still makes its product view.
import type { Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();

const pathOf = (url: string) => new URL(url).pathname;

/** A context whose linger-items.js requests wait until `arrive()` (then, and from then on, they are answered). */
async function slowItemsFile() {
  const context = await browser().newContext();
  const waiting: Route[] = [];
  let late = true;
  await context.route('**/sdk/linger-items.js', (route) => (late ? waiting.push(route) : route.continue()));
  const arrive = async () => {
    late = false;
    for (const route of waiting.splice(0)) await route.continue().catch(() => {}); // (a page already left cancelled its request)
  };
  return { context, arrive, requested: () => waiting.length };
}

describe('product tracking in a real browser', () => {
  it('holds a click on a list item until the file arrives, then records it as select_item', async () => {
    const { context, arrive, requested } = await slowItemsFile();
    const page = await context.newPage();
    await page.goto(`${base}/c/shoes`);
    const visitor = await visitorOf(page);
    await eventually(async () => expect(requested()).toBe(1), 5_000);
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault())); // the visitor stays on the page
    const item = await page.getAttribute('ul[data-linger-list] li:nth-child(2)', 'data-linger-item');
    await page.click('ul[data-linger-list] li:nth-child(2) a');
    await arrive();
    await eventually(async () => {
      const events = await stored(base, visitor);
      expect(events.filter((e) => e.name === 'select_item').map((e) => [e.props.item_id, e.props.position])).toEqual([[item, 1]]);
      expect(events.filter((e) => e.name === 'view_item_list')).toHaveLength(1);
      expect(events.filter((e) => e.name === 'click')).toEqual([]);
    });
    await context.close();
  });

  it('makes the product view of a product page the visitor leaves before the file arrived, once', async () => {
    const { context, arrive, requested } = await slowItemsFile();
    const page = await context.newPage();
    const catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
    const product = catalog.products[0];
    await page.goto(`${base}/p/${product.id}`); // the visitor's first page
    const visitor = await visitorOf(page);
    await eventually(async () => expect(requested()).toBe(1), 5_000);
    await page.goto(`${base}/`); // gone before the file arrived
    await arrive();
    await eventually(async () => {
      const events = await stored(base, visitor);
      const [productPage, home] = events.filter((e) => e.name === 'page_view');
      expect([pathOf(productPage.url), pathOf(home.url)]).toEqual([`/p/${product.id}`, '/']);
      const views = events.filter((e) => e.name === 'view_item');
      expect(views.map((e) => [e.page_id, e.props.item_id])).toEqual([[productPage.page_id, product.id]]);
    });
    await context.close();
  });

  it('loses no click on a product made before the file arrived when the visitor leaves the page at once', async () => {
    const { context, arrive, requested } = await slowItemsFile();
    const page = await context.newPage();
    await page.goto(`${base}/c/shoes`);
    const visitor = await visitorOf(page);
    await eventually(async () => expect(requested()).toBe(1), 5_000);
    const href = await page.getAttribute('ul[data-linger-list] li:nth-child(1) a', 'href');
    await page.click('ul[data-linger-list] li:nth-child(1) a'); // the file has not arrived: the click is held, and the page goes
    await page.waitForURL(`**${href}`);
    await arrive(); // the product page's file arrives
    await eventually(async () => {
      const events = await stored(base, visitor);
      const [list, product] = events.filter((e) => e.name === 'page_view');
      expect([pathOf(list.url), pathOf(product.url)]).toEqual(['/c/shoes', href]);
      const clicks = events.filter((e) => e.name === 'click' || e.name === 'select_item');
      expect(clicks).toHaveLength(1);
      expect(clicks[0].page_id).toBe(list.page_id);
      if (clicks[0].name === 'click') expect(pathOf(clicks[0].props.link_url)).toBe(href);
      expect(events.filter((e) => e.name === 'view_item' && e.page_id === product.page_id)).toHaveLength(1);
      const seqs = events.map((e) => e.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    });
    await context.close();
  });
});
