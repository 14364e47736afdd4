// The marketer's dashboard in Chromium: it signs in with the read key, and every page renders the
// numbers the report API gives. A simulated history (sim/) fills the shop first. Screenshots of
// each page go to docs/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_CAMPAIGNS } from '../../demo-shop/src/campaigns.js';
import { loadDemoHistory } from '../../sim/demo-history';
import { LOCAL_OPERATOR_KEY } from '../../worker/dev/local-worker';
import { launch } from './browser';

const base = inject('baseUrl');
// A shop of its own, made with the operator key, so that its campaigns and history touch no other test.
const SITE = { site: 'reports-e2e', readKey: '', adminKey: '' };
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
let browser: Browser;
let page: Page;

const api = async (path: string) => {
  const res = await fetch(`${base}/v1/reports/${path}${path.includes('?') ? '&' : '?'}site=${SITE.site}`, { headers: { authorization: `Bearer ${SITE.readKey}` } });
  expect(res.status).toBe(200);
  return res.json<any>();
};

beforeAll(async () => {
  const created = await fetch(`${base}/v1/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LOCAL_OPERATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: SITE.site, name: 'Reports e2e', origins: [base] }),
  });
  expect(created.status).toBe(201);
  const keys = await created.json<any>();
  SITE.readKey = keys.read_key;
  SITE.adminKey = keys.admin_key;
  const loaded = await loadDemoHistory(base, SITE.site, { admin: SITE.adminKey, read: SITE.readKey }, { definitions: DEMO_CAMPAIGNS as any, visitors: 300, days: 14, origin: base });
  expect(loaded.loaded || loaded.reason).toBeTruthy();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  mkdirSync(SHOTS, { recursive: true });
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard', () => {
  it('asks for the read key plainly, and refuses the site key', async () => {
    await page.goto(`${base}/dashboard/`);
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.textContent('#sign-in')).toMatch(/Read key/);
    await page.fill('#site', SITE.site);
    await page.fill('#key', SITE.site); // the public site key is not a read key
    await page.click('#sign-in-form button');
    await page.waitForFunction(() => document.querySelector('#sign-in-error')?.textContent);
    expect(await page.textContent('#sign-in-error')).toMatch(/403/);
  });

  it('shows the overview with the API’s totals', async () => {
    await page.fill('#site', SITE.site);
    await page.fill('#key', SITE.readKey);
    await page.click('#sign-in-form button');
    await page.waitForSelector('#page[data-ready="overview"]');
    const o = await api(`overview?from=${await page.inputValue('#from')}&to=${await page.inputValue('#to')}`);
    const shown = async (m: string) => (await page.textContent(`[data-metric="${m}"]`))!.replace(/,/g, '');
    expect(Number(await shown('visitors'))).toBe(o.totals.visitors);
    expect(Number(await shown('sessions'))).toBe(o.totals.sessions);
    expect(Number(await shown('orders'))).toBe(o.totals.orders);
    expect(Number(await shown('revenue'))).toBeCloseTo(o.totals.revenue, 2);
    expect(o.totals.visitors).toBeGreaterThan(0);
    await page.waitForSelector('.uplot');
    await page.screenshot({ path: `${SHOTS}dashboard-overview.png`, fullPage: true });
  });

  it('lists every campaign with the API’s uplift and interval, and opens one', async () => {
    await page.click('[data-nav="campaigns"]');
    await page.waitForSelector('#page[data-ready="campaigns"]');
    const list = await api(`campaigns?analysis=itt&from=${await page.inputValue('#from')}&to=${await page.inputValue('#to')}`);
    expect(list.campaigns.length).toBe(DEMO_CAMPAIGNS.length);
    for (const c of list.campaigns) {
      const row = page.locator(`tr[data-campaign="${c.id}"]`);
      const treated = c.arms.filter((a: any) => a.variant !== 'holdout').reduce((n: number, a: any) => n + a.visitors, 0);
      const holdout = c.arms.find((a: any) => a.variant === 'holdout').visitors;
      expect((await row.locator('[data-metric="visitors"]').textContent())!.replace(/,/g, '')).toBe(`${treated} / ${holdout}`);
      if (c.headline) {
        expect(await row.locator('[data-metric="absolute"]').textContent()).toBe(`${c.headline.absolute >= 0 ? '+' : ''}${(c.headline.absolute * 100).toFixed(2)} pp`);
      }
    }
    await page.screenshot({ path: `${SHOTS}dashboard-campaigns.png`, fullPage: true });

    const busiest = [...list.campaigns].sort((a, b) => b.arms.reduce((n: number, x: any) => n + x.visitors, 0) - a.arms.reduce((n: number, x: any) => n + x.visitors, 0))[0];
    await page.click(`tr[data-campaign="${busiest.id}"] a`);
    await page.waitForSelector('#page[data-ready="campaign"]');
    const r = await api(`campaigns/${busiest.id}?analysis=itt&breakdown=day&to=${await page.inputValue('#to')}`);
    for (const arm of r.arms) {
      const cells = await page.locator(`tr[data-arm="${arm.variant}"] td`).allTextContents();
      expect(cells[1].replace(/,/g, '')).toBe(String(arm.visitors));
      expect(cells[7].replace(/,/g, '')).toBe(String(arm.conversions));
    }
    const conv = r.uplift.find((u: any) => u.metric === 'conversion_rate');
    const shownP = await page.locator(`tr[data-uplift="${conv.variant}:conversion_rate"] [data-metric="p_value"]`).textContent();
    expect(shownP).toBe(conv.p_value < 0.0001 ? '< 0.0001' : conv.p_value.toFixed(4));
    // how long the data the verdict rests on spans, beside the days since the start; the revenue cap when there is one
    expect(await page.textContent('#page')).toContain(`${r.guards.days_of_data} days of data`);
    expect(await page.locator('[data-winsorized]').count()).toBe(r.winsorized_at == null ? 0 : 1);
    await page.waitForSelector('.uplot');
    await page.screenshot({ path: `${SHOTS}dashboard-campaign.png`, fullPage: true });
  });

  it('shows the API’s attribution under each model', async () => {
    await page.click('[data-nav="campaigns"]');
    await page.waitForSelector('#attribution');
    const range = `from=${await page.inputValue('#from')}&to=${await page.inputValue('#to')}`;
    for (const model of ['last', 'linear']) {
      if (model !== 'last') {
        await page.selectOption('#attribution-model', model);
        await page.waitForFunction((m) => (document.querySelector('#attribution-model') as HTMLSelectElement | null)?.value === m, model);
      }
      const a = await api(`attribution?model=${model}&${range}`);
      expect(a.campaigns.length).toBeGreaterThan(0);
      for (const c of a.campaigns) {
        const cells = await page.locator(`tr[data-attribution="${c.id}"] td`).allTextContents();
        expect(Number(cells[1].replace(/,/g, ''))).toBeCloseTo(c.purchases, 2);
        expect(Number(cells[2].replace(/,/g, ''))).toBeCloseTo(c.revenue, 2);
      }
    }
  });
});
