// The dashboard and the visitor lookup in Chromium, against the real collector (the demo site),
// where what matters is what the marketer sees: the page they moved to stays, whichever report
// answers last; a failed CSV download says so; the visitor lookup finds this browser's visitor.
import type { Page, Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_SITE } from '../../worker/seed.js';
import { browserPerFile, eventually, stored, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signedIn() {
  const context = await browser().newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/dashboard/`);
  await page.fill('#site', DEMO_SITE.site);
  await page.fill('#key', DEMO_SITE.readKey);
  await page.click('#sign-in-form button');
  await page.waitForSelector('#page[data-ready="overview"]');
  return { context, page, errors };
}
const shown = (page: Page) =>
  page.evaluate(() => ({ hash: location.hash, ready: document.querySelector<HTMLElement>('#page')!.dataset.ready, h1: document.querySelector('#page h1')?.textContent, nav: document.querySelector<HTMLElement>('[data-nav].active')?.dataset.nav }));

describe('the dashboard', () => {
  it('keeps the page the marketer moved to when an earlier, slower report answers after it', async () => {
    const { context, page, errors } = await signedIn();
    await page.route('**/v1/reports/overview*', async (route) => {
      await sleep(2_000);
      await route.continue().catch(() => {}); // (an aborted request is gone)
    });
    await page.evaluate(() => (location.hash = '#/overview-again')); // shows the overview: slow now
    await sleep(200);
    await page.click('a[data-nav="campaigns"]');
    await page.waitForSelector('#page[data-ready="campaigns"]');
    await sleep(3_000); // the overview's answer has come (or was given up)
    expect(await shown(page)).toEqual({ hash: '#/campaigns', ready: 'campaigns', h1: 'Campaigns', nav: 'campaigns' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the latest date range when the range changes twice quickly', async () => {
    const { context, page } = await signedIn();
    // The first range's report is slow: it must not replace the second's.
    await page.route('**/v1/reports/overview*', async (route: Route) => {
      const from = new URL(route.request().url()).searchParams.get('from');
      if (from === '2026-01-01') await sleep(2_000);
      const res = await route.fetch().catch(() => undefined);
      if (!res) return;
      const body = await res.json();
      body.totals.visitors = from === '2026-01-01' ? 1111 : 2222;
      await route.fulfill({ response: res, json: body }).catch(() => {});
    });
    for (const from of ['2026-01-01', '2026-01-02']) await page.fill('#from', from).then(() => page.dispatchEvent('#from', 'change'));
    await page.waitForSelector('#page[data-ready="overview"]');
    await sleep(2_500);
    expect(await page.textContent('[data-metric="visitors"]')).toBe('2,222');
    await context.close();
  });

  it('shows why a CSV download failed instead of saving the error as the file', async () => {
    const { context, page } = await signedIn();
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.route('**/v1/reports/overview*format=csv*', (route) => route.fulfill({ status: 503, json: { error: 'reports are being rebuilt' } }));
    await page.click('button:has-text("Download CSV")');
    await page.waitForSelector('.csv-error');
    expect(await page.textContent('.csv-error')).toContain('503: reports are being rebuilt');
    await sleep(500);
    expect(downloads).toEqual([]);
    await context.close();
  });
});

describe('the visitor lookup', () => {
  it('fills in this browser\'s visitor id, also after the tracker has used IndexedDB', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A failed delivery: the tracker's durable outbox opens its IndexedDB queue.
    await page.route('**/v1/collect*', (r) => r.fulfill({ status: 503, body: '{}' }), { times: 1 });
    await page.goto(`${base}/`);
    const visitor = await visitorOf(page);
    await eventually(async () => expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBeGreaterThan(0), 10_000);
    await page.goto(`${base}/dashboard/visitor.html`);
    await eventually(async () => expect(await page.inputValue('#visitor')).toBe(visitor), 5_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works without IndexedDB: Show events shows the events, the page stays', async () => {
    const seed = await browser().newContext();
    const shop = await seed.newPage();
    await shop.goto(`${base}/`);
    const visitor = await visitorOf(shop);
    await eventually(async () => expect((await stored(base, visitor)).length).toBeGreaterThan(0), 10_000); // the shop's events are in
    await seed.close();

    const context = await browser().newContext();
    await context.addInitScript(() => delete (window as any).indexedDB);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/dashboard/visitor.html`);
    await page.fill('#key', DEMO_SITE.adminKey);
    await page.fill('#visitor', visitor);
    await page.evaluate(() => ((window as any).stayed = true)); // gone if the form reloads the page
    await page.click('#query button');
    await eventually(async () => expect(await page.textContent('#status')).toMatch(/events since/), 10_000);
    expect(await page.evaluate(() => (window as any).stayed)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
