// What a newcomer meets first: every page of the demo shop and the dashboard loads without a
// missing file (the favicon included) or a console error, the products look like a shop's,
// and the demo shop's own tracking is accepted on the port it runs on, as 127.0.0.1 and as
// localhost.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { browserPerFile, eventually, queuedInBrowser } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();
let catalog: { categories: { slug: string; name: string }[]; products: any[] };

beforeAll(async () => {
  catalog = await (await fetch(`${base}/catalog.json`)).json<any>();
});

/** Everything that went wrong while pages of this context loaded: 4xx/5xx answers, console errors. */
function problemsOf(context: BrowserContext) {
  const problems: string[] = [];
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  context.on('page', (page) => watchConsole(page, problems));
  return problems;
}
function watchConsole(page: Page, problems: string[]) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

/** Statuses of the collector's answers to this context's batches (fetch and beacon alike). */
function collectStatuses(context: BrowserContext) {
  const statuses: number[] = [];
  context.on('response', (r) => {
    if (r.url().includes('/v1/collect')) statuses.push(r.status());
  });
  return statuses;
}

/** The page declares an icon, and the icon is there. */
async function expectFavicon(page: Page) {
  const href = await page.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute('href'));
  expect(href, `no favicon on ${page.url()}`).toBeTruthy();
  const res = await page.request.get(new URL(href!, page.url()).href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^image\//);
}

describe('first impression', () => {
  it('home, category, product, cart and dashboard load without a 404 or a console error, each with a favicon', async () => {
    const context = await browser().newContext();
    const problems = problemsOf(context);
    const statuses = collectStatuses(context);
    const page = await context.newPage();
    const product = catalog.products.find((p) => p.inStock);
    for (const path of ['/', `/c/${catalog.categories[2].slug}`, `/p/${product.id}`, '/cart', '/dashboard/']) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      await expectFavicon(page);
    }
    // The product page tells what the product is.
    await page.goto(`${base}/p/${product.id}`);
    expect(await page.textContent('article.product')).toContain(product.description);
    await page.click('#add-to-cart');
    await page.goto(`${base}/cart`);
    await page.waitForSelector('#checkout');
    // delivered: the collector answered, and nothing waits in the browser
    await eventually(async () => {
      expect(statuses.length).toBeGreaterThan(0);
      expect(await queuedInBrowser(page)).toBe(0);
    });
    // Every picture on the way loaded (a broken image is also a 404 above).
    expect(problems).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 202)).toBe(true);
    await context.close();
  });

  it("accepts the demo shop's tracking from localhost on the same port", async () => {
    const local = base.replace('127.0.0.1', 'localhost');
    const context = await browser().newContext();
    const problems = problemsOf(context);
    const statuses = collectStatuses(context);
    const page = await context.newPage();
    await page.goto(`${local}/c/${catalog.categories[0].slug}`);
    await page.goto(`${local}/p/${catalog.products[1].id}`);
    // delivered: the collector answered, and nothing waits in the browser
    await eventually(async () => {
      expect(statuses.length).toBeGreaterThan(0);
      expect(await queuedInBrowser(page)).toBe(0);
    });
    expect(problems).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 202)).toBe(true);
    await context.close();
  });

  it('has 120 distinct products in 8 categories, with descriptions, pictures and prices in whole cents', async () => {
    const { products, categories } = catalog;
    expect(products).toHaveLength(120);
    expect(categories).toHaveLength(8);
    expect(products.map((p) => p.id)).toEqual(Array.from({ length: 120 }, (_, i) => `p${String(i + 1).padStart(3, '0')}`));
    expect(new Set(products.map((p) => p.name)).size).toBe(120);
    expect(new Set(products.map((p) => p.description)).size).toBe(120);
    for (const p of products) {
      expect(p.description.length, p.id).toBeGreaterThan(40);
      // A price is whole cents: it prints with at most two decimals.
      expect(String(p.price), p.id).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(p.price).toBeGreaterThan(0);
    }
    // Each product has a picture of its own, an illustration rather than lettering.
    const pictures = await Promise.all(products.map(async (p) => {
      const res = await fetch(`${base}/img/${p.id}.svg`);
      expect(res.status, p.id).toBe(200);
      return res.text();
    }));
    expect(new Set(pictures).size).toBe(120);
    pictures.forEach((svg, i) => expect(svg).not.toContain(products[i].name));
  });
});
