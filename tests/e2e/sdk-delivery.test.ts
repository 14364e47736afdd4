// The SDK's delivery under browser faults, in real Chromium against the real collector:
// beacons refused, no IndexedDB, autotrack off, and consent withdrawn in the middle of a visit.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, expectNoGapsOrRepeats, productTrackingLoaded, stayActive, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();
let inStock: string[];

beforeAll(async () => {
  const catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
  inStock = catalog.products.filter((p: any) => p.inStock).map((p: any) => p.id);
});

/** The visitor id, or a clear failure when the tracker never becomes ready. */
function visitorWithin(page: Page, ms = 15_000): Promise<string> {
  return Promise.race([visitorOf(page), new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`the tracker gave no visitor id within ${ms} ms`)), ms))]);
}

const pathOf = (url: string) => new URL(url).pathname;

describe('SDK delivery in a real browser', () => {
  it('delivers every page\'s final engagement report exactly once when the browser refuses every beacon', async () => {
    const context = await browser().newContext();
    await context.addInitScript(() => Object.defineProperty(navigator, 'sendBeacon', { value: () => false, configurable: true }));
    const page = await context.newPage();
    const pages = ['/', '/c/shoes', `/p/${inStock[0]}`, `/p/${inStock[1]}`, '/c/bags', `/p/${inStock[2]}`];
    for (const path of pages) {
      await page.goto(`${base}${path}`);
      await visitorWithin(page);
      await stayActive(page, 700 + Math.round(Math.random() * 600)); // a visitor reading, then clicking on
    }
    await page.goto(`${base}/cart`); // leaves the last page
    const visitor = await visitorWithin(page);
    await eventually(async () => {
      const events = await stored(base, visitor);
      for (const path of pages) {
        const views = events.filter((e) => e.name === 'page_view' && pathOf(e.url) === path);
        expect(views, path).toHaveLength(1);
        const finals = events.filter((e) => e.name === 'user_engagement' && e.page_id === views[0].page_id && e.props.final === true);
        expect(finals, `final engagement of ${path}`).toHaveLength(1);
        expect(finals[0].props.engaged_ms).toBeGreaterThan(0);
      }
      expectNoGapsOrRepeats(events);
    }, 30_000);
    await context.close();
  });

  it('tracks a visitor whose browser cannot open IndexedDB', async () => {
    const context = await browser().newContext();
    await context.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.click('nav.cats a[href="/c/shoes"]');
    await page.waitForURL('**/c/shoes');
    await productTrackingLoaded(page); // the visitor reads the list first
    await page.click('ul[data-linger-list] li:nth-child(1) a');
    await page.waitForURL('**/p/*');
    await page.click('#add-to-cart');
    const visitor = await visitorWithin(page);
    await eventually(async () => {
      const events = await stored(base, visitor);
      expect(events.filter((e) => e.name === 'page_view').map((e) => pathOf(e.url))).toEqual(['/', '/c/shoes', expect.stringMatching(/^\/p\//)]);
      expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['view_item_list', 'select_item', 'view_item', 'add_to_cart']));
      expectNoGapsOrRepeats(events);
    });
    await context.close();
  });

  it('with autotrack off, still hands the page\'s events to a beacon when the tab closes', async () => {
    const context = await browser().newContext();
    await context.route(`${base}/manual-tracking`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>manual</title><script>
          window.linger = window.linger || function () { (linger.q = linger.q || []).push(arguments); };
          linger('init', { site: 'demo', autotrack: false });
        </script><script async src="/sdk/linger.js"></script><p>manual tracking</p>`,
      }),
    );
    await context.newPage(); // the browser stays open when the shop's tab closes
    const page = await context.newPage();
    await page.goto(`${base}/manual-tracking`);
    const visitor = await visitorWithin(page);
    await page.evaluate(() => (window as any).linger('track', 'search', { search_term: 'closing soon' }));
    await page.close({ runBeforeUnload: true }); // before the 1 s flush: only a beacon can carry it now
    await eventually(async () => {
      const events = await stored(base, visitor);
      expect(events.map((e) => e.props.search_term)).toContain('closing soon');
    }, 10_000);
    await context.close();
  });

  it('sends nothing once consent is withdrawn, and erases the queue and ids it kept', async () => {
    const context = await browser().newContext();
    await context.newPage(); // the browser stays open when the shop's tab closes
    const page = await context.newPage();
    await page.clock.install();
    let withdrawn = false;
    const after: unknown[] = [];
    context.on('request', (req) => {
      if (withdrawn && req.url().includes('/v1/collect')) after.push(req.postData());
    });
    await page.goto(`${base}/p/${inStock[3]}`);
    const visitor = await visitorWithin(page);
    await page.mouse.move(50, 50);
    await page.clock.runFor(2_000);
    await eventually(async () => expect((await stored(base, visitor)).map((e) => e.name)).toContain('view_item'));
    await page.evaluate(() => (window as any).linger('consent', false));
    withdrawn = true;

    // everything that used to make events: input, heartbeats, clicks, calls, navigation, hiding
    await stayActive(page, 300, 50);
    await page.click('#add-to-cart');
    await page.evaluate(() => (window as any).linger('track', 'search', { search_term: 'after withdrawal' }));
    await page.evaluate(() => history.pushState(null, '', '/c/shoes'));
    await page.clock.runFor(40_000);
    const kept = await page.evaluate(async () => ({
      keys: Object.keys(localStorage).filter((k) => k.startsWith('linger')),
      databases: (await indexedDB.databases()).map((d) => d.name),
    }));
    expect(kept.keys).toEqual([]);
    expect(kept.databases).not.toContain('linger');
    await page.close({ runBeforeUnload: true });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(after).toEqual([]);
    const events = await stored(base, visitor);
    expect(events.map((e) => e.props.search_term)).not.toContain('after withdrawal');
    expect(events.filter((e) => e.name === 'add_to_cart')).toEqual([]);
    await context.close();
  });
});
