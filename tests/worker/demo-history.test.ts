// Issue 9, part 6: `npm start` loads a simulated history so that the dashboard shows every demo
// campaign at once. Here a small history of the demo shop's own campaigns goes through the real
// collector (campaigns, decide, import), and the campaign reports must show each of them with
// exposed visitors in the holdout and in treatment: the cart upsell (cart journeys), the exit
// voucher (desktop visitors leaving with a high-intent cart) and the newsletter hero (visitors
// from the newsletter on the home page) included.
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGNS } from '../../demo-shop/src/campaigns.js';
import type { CampaignDefinition } from '../../sim/campaigns';
import { loadDemoHistory } from '../../sim/demo-history';
import type { SimulationSummary } from '../../sim/run';
import { BASE, ORIGIN, TEST_SITE, settle } from './helpers';

const fetchWorker = ((input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init))) as typeof fetch;

async function report(path: string) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/${path}${path.includes('?') ? '&' : '?'}site=${TEST_SITE.key}`, {
    headers: { authorization: `Bearer ${TEST_SITE.readKey}` },
  });
  expect(res.status).toBe(200);
  return res.json<any>();
}

/**
 * The history ends on a week boundary (a Thursday, 00:00 UTC, in the past week): the shop's
 * weekly rhythm then lays out the same visitors on every run, so the test reads the same journeys.
 */
const WEEK_MS = 7 * 86_400_000;
const END = Math.floor((Date.now() - 3_600_000) / WEEK_MS) * WEEK_MS;

let summary: SimulationSummary;
const idOf = new Map<string, string>(); // demo campaign name → id at the collector

beforeAll(async () => {
  const loaded = await loadDemoHistory(BASE, TEST_SITE.key, { admin: TEST_SITE.adminKey, read: TEST_SITE.readKey }, {
    definitions: DEMO_CAMPAIGNS as CampaignDefinition[],
    visitors: 700,
    end: END,
    days: 14,
    origin: ORIGIN,
    concurrency: 8,
    fetch: fetchWorker,
  });
  expect(loaded.loaded).toBe(true);
  summary = loaded.summary!;
  expect(summary.sent.rejected).toBe(0);
  for (const c of summary.campaigns) idOf.set(c.name, c.id);
  await settle();
}, 600_000);

describe('the demo history', () => {
  it('reaches every demo campaign: exposed visitors in the holdout and in treatment, with conversions', async () => {
    const { campaigns } = await report('campaigns?analysis=triggered');
    expect(campaigns.map((c: any) => c.name).sort()).toEqual(DEMO_CAMPAIGNS.map((c) => c.name).sort());
    for (const definition of DEMO_CAMPAIGNS) {
      const c = campaigns.find((x: any) => x.id === idOf.get(definition.name));
      const holdout = c.arms.find((a: any) => a.variant === 'holdout');
      const treated = c.arms.filter((a: any) => a.variant !== 'holdout');
      expect(treated.map((a: any) => a.variant).sort(), definition.name).toEqual(definition.variants.map((v) => v.name).sort());
      expect(holdout.visitors, `${definition.name}: exposed holdout visitors`).toBeGreaterThan(0);
      for (const arm of treated) expect(arm.visitors, `${definition.name} / ${arm.variant}: exposed visitors`).toBeGreaterThan(0);
      expect(c.arms.reduce((n: number, a: any) => n + a.conversions, 0), `${definition.name}: conversions`).toBeGreaterThan(0);

      // The campaign page's funnel and breakdowns have both arms too.
      const funnel = await report(`funnel?campaign=${c.id}&analysis=triggered`);
      expect(funnel.arms.map((a: any) => a.variant).sort()).toEqual(c.arms.map((a: any) => a.variant).sort());
      for (const arm of funnel.arms) expect(arm.visitors).toBe(c.arms.find((a: any) => a.variant === arm.variant).visitors);
      const bySegment = await report(`campaigns/${c.id}?analysis=triggered&breakdown=segment`);
      expect(bySegment.breakdown.rows.length, `${definition.name}: segment rows`).toBeGreaterThan(0);
    }
  });

  it('shows the targeted campaigns only where their targeting holds', async () => {
    // Visitors come on phones, tablets and desktops …
    const hero = await report(`campaigns/${idOf.get('Spring sale in the home hero')}?analysis=triggered&breakdown=device`);
    expect(hero.breakdown.rows.map((r: any) => r.key).sort()).toEqual(['desktop', 'mobile', 'tablet']);
    // … but exit intent is a desktop gesture (the pointer leaves through the top of the window).
    const exit = await report(`campaigns/${idOf.get('Exit voucher for high-intent cart abandoners')}?analysis=triggered&breakdown=device`);
    expect(exit.breakdown.rows.map((r: any) => r.key)).toEqual(['desktop']);
    const newsletter = await report(`campaigns/${idOf.get('Newsletter readers: the outdoor edit')}?analysis=triggered&breakdown=source`);
    expect(newsletter.breakdown.rows.map((r: any) => r.key)).toEqual(['newsletter']);
  });
});
