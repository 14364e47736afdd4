// An order sent again under a new event id (a reloaded thank-you page) is stored, as every event
// is, but counts once: in the visitor's profile, the shop overview's orders and revenue, and the
// product list. Campaign outcomes dedupe by transaction id on their own (reports/outcomes.ts).
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, TEST_SITE, makeEvent, post, settle } from './helpers';

const read = async (path: string, key: string) => {
  const res = await exports.default.fetch(`${BASE}${path}${path.includes('?') ? '&' : '?'}site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return res.json<any>();
};

describe('an order sent twice', () => {
  it('counts once in the profile, the overview and the top products', async () => {
    const visitor = 'visitor-reload-01';
    const base = { visitor_id: visitor, session_id: 'session-reload-01' };
    const order = { transaction_id: 'order-77', value: 50, items: [{ item_id: 'sku-reload', price: 25, quantity: 2 }] };
    const before = await read(`/v1/reports/overview`, TEST_SITE.readKey);
    const ts = Date.now() - 60_000;
    const first = [
      makeEvent({ ...base, ts, name: 'page_view', page_id: 'page-reload-1' }),
      makeEvent({ ...base, ts: ts + 1_000, name: 'view_item', page_id: 'page-reload-1', props: { item_id: 'sku-reload' } }),
      makeEvent({ ...base, ts: ts + 5_000, name: 'user_engagement', page_id: 'page-reload-1', props: { engaged_ms: 4_000 } }),
      makeEvent({ ...base, ts: ts + 20_000, name: 'purchase', page_id: 'page-reload-2', props: order }),
    ];
    // the reload: a new page, new event ids, the same order
    const reload = [makeEvent({ ...base, ts: ts + 40_000, name: 'purchase', page_id: 'page-reload-3', props: order })];
    for (const events of [first, reload]) expect((await post({ events })).status).toBe(202);
    await settle();
    const profile = await read(`/v1/visitors/${visitor}/profile`, TEST_SITE.adminKey);
    expect(profile.lifetime).toMatchObject({ purchases: 1, revenue: 50 });
    const after = await read(`/v1/reports/overview`, TEST_SITE.readKey);
    expect(after.totals.orders - before.totals.orders).toBe(1);
    expect(after.totals.revenue - before.totals.revenue).toBeCloseTo(50, 6);
    expect(after.top_products.find((p: any) => p.item_id === 'sku-reload')).toMatchObject({ views: 1, purchases: 1, revenue: 50 });
    // both purchase events are stored: nothing a page sent is lost
    const stored = await read(`/v1/visitors/${visitor}/events`, TEST_SITE.adminKey);
    expect(stored.events.filter((e: any) => e.name === 'purchase')).toHaveLength(2);
  });
});
