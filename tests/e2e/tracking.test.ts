// The whole pipeline in real Chromium: demo shop → SDK → collector → storage.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, expectNoGapsOrRepeats, productTrackingLoaded, queuedInBrowser, recordBatches, stayActive, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();
/** Products that can be put in the cart. */
let inStock: string[];

beforeAll(async () => {
  const catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
  inStock = catalog.products.filter((p: any) => p.inStock).map((p: any) => p.id);
});

/** Waits until the browser's queue is empty, then returns what the collector stored. */
async function settled(page: Page) {
  const visitor = await visitorOf(page);
  await eventually(async () => expect(await queuedInBrowser(page)).toBe(0));
  return { visitor, events: await stored(base, visitor) };
}

describe('tracking in a real browser', () => {
  it('records a whole shopping visit, each event exactly once', async () => {
    const context = await browser().newContext();
    const batches = recordBatches(context);
    const page = await context.newPage();
    await page.goto(`${base}/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn`);
    await page.click('nav.cats a[href="/c/shoes"]');
    await page.waitForURL('**/c/shoes');
    await productTrackingLoaded(page); // the visitor reads the list first
    await page.click('ul[data-linger-list] li:nth-child(2) a');
    await page.waitForURL('**/p/*');
    const productId = await page.getAttribute('article[data-linger-view-item]', 'data-linger-item');
    const price = Number(await page.getAttribute('article[data-linger-view-item]', 'data-linger-price'));
    await stayActive(page, 1_500);
    await page.fill('#qty', '2');
    await page.click('#add-to-cart');
    await page.fill('.search input', 'lamp');
    await page.press('.search input', 'Enter');
    await page.waitForSelector('#results .grid');
    await page.goto(`${base}/cart`);
    await page.click('#checkout');
    await page.waitForURL('**/checkout');
    await page.waitForFunction(() => document.getElementById('summary')?.textContent?.includes('€'));
    await page.click('#place-order');
    await page.waitForSelector('#order-id');

    const { events } = await settled(page);
    const names = new Set(events.map((e) => e.name));
    for (const name of ['page_view', 'click', 'view_item_list', 'select_item', 'view_item', 'add_to_cart', 'search', 'begin_checkout', 'purchase', 'user_engagement']) {
      expect(names, name).toContain(name);
    }
    expectNoGapsOrRepeats(events);
    const count = (name: string) => events.filter((e) => e.name === name).length;
    // home, category, product, search, cart, checkout, confirmation: each page view once
    expect(count('page_view')).toBe(7);
    for (const name of ['add_to_cart', 'search', 'begin_checkout', 'purchase', 'select_item', 'view_item']) expect(count(name), name).toBe(1);
    // every event that left the browser (by fetch or by beacon) is stored
    const ids = new Set(events.map((e) => e.event_id));
    expect(batches.flatMap((b) => b.events).filter((e) => !ids.has(e.event_id))).toEqual([]);

    const purchase = events.find((e) => e.name === 'purchase');
    expect(purchase.props).toMatchObject({ currency: 'EUR', value: Math.round(price * 2 * 100) / 100, items: [{ item_id: productId, quantity: 2 }] });
    expect(events.find((e) => e.name === 'search').props.search_term).toBe('lamp');
    // one session, and the campaign it arrived through stays with every event of it
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
    expect(events.every((e) => e.utm?.campaign === 'autumn' && e.utm?.source === 'newsletter')).toBe(true);
    // server enrichment: Chromium under automation is flagged, and times are on the server clock
    expect(events.every((e) => e.bot === true && e.ts <= e.received_at)).toBe(true);
    await context.close();
  });

  it('records engaged dwell within 1 s of the time the page was visible and active', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${base}/p/${inStock[0]}`);
    await visitorOf(page); // the tracker is running
    const shown = Date.now();
    await stayActive(page, 6_000);
    const left = Date.now();
    await page.goto(`${base}/`);
    const { events } = await settled(page);
    const productView = events.find((e) => e.name === 'page_view' && e.url.endsWith(`/p/${inStock[0]}`));
    const dwell = Math.max(...events.filter((e) => e.name === 'user_engagement' && e.page_id === productView.page_id).map((e) => e.props.engaged_ms));
    expect(Math.abs(dwell - (left - shown))).toBeLessThan(1_000);
    await context.close();
  });

  it('stops counting dwell 30 s after the last input', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${base}/p/${inStock[1]}`);
    await visitorOf(page); // the tracker is running
    await page.mouse.move(100, 100);
    await page.clock.runFor(95_000); // idle: heartbeats run, engaged time stops at 30 s
    await page.goto(`${base}/`);
    await page.clock.runFor(2_000);
    const { events } = await settled(page);
    const productView = events.find((e) => e.name === 'page_view' && e.url.endsWith(`/p/${inStock[1]}`));
    const engaged = events.filter((e) => e.name === 'user_engagement' && e.page_id === productView.page_id).map((e) => e.props.engaged_ms);
    expect(Math.max(...engaged)).toBeGreaterThanOrEqual(30_000);
    expect(Math.max(...engaged)).toBeLessThan(31_000);
    await context.close();
  });

  it('loses nothing when the tab is closed in the middle of a visit', async () => {
    const context = await browser().newContext();
    await context.newPage(); // the browser stays open when the shop's tab closes
    const page = await context.newPage();
    await page.goto(`${base}/p/${inStock[2]}`);
    await page.click('#add-to-cart');
    await page.evaluate(() => (window as any).linger('track', 'search', { search_term: 'closing now' }));
    await page.close({ runBeforeUnload: true }); // before the 1 s flush: only the beacon and the queue can save these
    const next = await context.newPage(); // the visitor comes back later
    await next.goto(`${base}/`);
    const { events } = await settled(next);
    expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['add_to_cart', 'search']));
    expect(events.find((e) => e.name === 'search').props.search_term).toBe('closing now');
    expectNoGapsOrRepeats(events);
    await context.close();
  });

  it('keeps events made offline and sends them when the network is back, or on the next visit', async () => {
    const context = await browser().newContext();
    await context.newPage(); // the browser stays open when the shop's tab closes
    const page = await context.newPage();
    await page.goto(`${base}/p/${inStock[3]}`);
    await context.setOffline(true);
    await page.click('#add-to-cart');
    await page.evaluate(() => (window as any).linger('track', 'search', { search_term: 'offline one' }));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await queuedInBrowser(page)).toBeGreaterThanOrEqual(2);
    await context.setOffline(false);
    let { visitor, events } = await settled(page);
    expect(events.map((e) => e.props.search_term)).toContain('offline one');

    // offline again, and the tab closes before the network returns
    await context.setOffline(true);
    await page.evaluate(() => (window as any).linger('track', 'search', { search_term: 'offline two' }));
    await Promise.all([page.waitForEvent('close'), page.close({ runBeforeUnload: true })]);
    await context.setOffline(false);
    const next = await context.newPage();
    await next.goto(`${base}/`);
    ({ events } = await settled(next));
    expect(await visitorOf(next)).toBe(visitor);
    expect(events.map((e) => e.props.search_term)).toContain('offline two');
    expect(events.map((e) => e.name)).toContain('add_to_cart');
    expectNoGapsOrRepeats(events);
    await context.close();
  });

  it('stores a batch sent twice only once', async () => {
    const context = await browser().newContext();
    const batches = recordBatches(context);
    const page = await context.newPage();
    await page.goto(`${base}/c/bags`);
    const { visitor, events: before } = await settled(page);
    const batch = batches[0];
    const resend = () =>
      fetch(`${base}/v1/collect?site=demo`, { method: 'POST', headers: { origin: base, 'content-type': 'text/plain' }, body: JSON.stringify(batch) }).then((r) => r.json<any>());
    expect(await resend()).toEqual({ accepted: 0, duplicates: batch.events.length, rejected: [] });
    expect(await resend()).toEqual({ accepted: 0, duplicates: batch.events.length, rejected: [] });
    expect(await stored(base, visitor)).toHaveLength(before.length);
    await context.close();
  });

  it('two tabs of one visitor never store an event twice', async () => {
    const context = await browser().newContext();
    const batches = recordBatches(context);
    const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all([a.goto(`${base}/p/${inStock[4]}`), b.goto(`${base}/p/${inStock[5]}`)]);
    await Promise.all([a.click('#add-to-cart'), b.click('#add-to-cart')]);
    await Promise.all([a.goto(`${base}/c/watches`), b.goto(`${base}/c/kitchen`)]);
    const { events } = await settled(a);
    await eventually(async () => expect(await queuedInBrowser(b)).toBe(0));
    // The queue probe cannot see events still in a page's memory: wait until both tabs' arrived.
    const all = await eventually(async () => {
      const got = await stored(base, await visitorOf(a));
      expect(got.filter((e) => e.name === 'page_view')).toHaveLength(4);
      return got;
    });
    expect(all.length).toBeGreaterThanOrEqual(events.length);
    expect(all.filter((e) => e.name === 'add_to_cart')).toHaveLength(2);
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length);
    const ids = new Set(all.map((e) => e.event_id));
    expect(batches.flatMap((x) => x.events).filter((e) => !ids.has(e.event_id))).toEqual([]);
    await context.close();
  });

  it('consent withdrawn in one tab stops the visitor\'s other open tabs, which keep nothing', async () => {
    const context = await browser().newContext();
    const batches = recordBatches(context);
    const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all([a.goto(`${base}/p/${inStock[7]}`), b.goto(`${base}/p/${inStock[8]}`)]);
    // both tabs track (their page views sent)
    await eventually(async () => expect(batches.flatMap((x) => x.events).filter((e) => e.name === 'page_view')).toHaveLength(2));
    await a.evaluate(() => (window as any).linger('consent', false));
    // the other tab, still open: a cart add and a search, then it hides and closes
    await b.click('#add-to-cart');
    await b.evaluate(() => (window as any).linger('track', 'search', { search_term: 'after withdrawal' }));
    await b.waitForTimeout(2_500);
    const kept = await b.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('linger')));
    await b.close({ runBeforeUnload: true });
    await a.waitForTimeout(500);
    expect(kept).toEqual([]);
    const sent = batches.flatMap((x) => x.events);
    expect(sent.filter((e) => e.name === 'add_to_cart' || e.name === 'search')).toEqual([]);
    await context.close();
  });

  it('the shop still works when the SDK cannot load', async () => {
    const context = await browser().newContext();
    await context.route('**/sdk/linger.js', (route) => route.abort());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/p/${inStock[6]}`);
    await page.click('#add-to-cart');
    await expect.poll(() => page.textContent('#cart-count')).toBe('1');
    await page.goto(`${base}/cart`);
    await page.click('#checkout');
    await page.waitForFunction(() => document.getElementById('summary')?.textContent?.includes('€'));
    await page.click('#place-order');
    await page.waitForSelector('#order-id');
    expect(errors).toEqual([]);
    await context.close();
  });
});
