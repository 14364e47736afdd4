// Bots flagged by behaviour, through /v1/collect: each reason, counted apart for the admin,
// stored (not lost), and kept out of the reports and of what the shop-wide models learn.
import { exports } from 'cloudflare:workers';
import { env, runInDurableObject } from 'cloudflare:test';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveItems } from '../../worker/src/catalog';
import { BOT_LIMITS } from '../../worker/src/bots/behaviour';
import { clearSiteCache, saveSite } from '../../worker/src/sites';
import { BASE, ORIGIN, TEST_SITE, makeEvent, post, settle } from './helpers';

const SITE = 'bots-shop';
const ADMIN = { authorization: `Bearer ${SITE}-admin` };
const ITEMS = ['human-item', 'fast-item', 'pages-item', 'idle-item', 'unviewed-item', 'webdriver-item', 'other-item'];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A browser's visitor id and token, and an event maker for one session of it. */
function browser(label: string, start = Date.now() - 30 * 60_000) {
  const token = sha256(label).slice(0, 32);
  const id = sha256(`linger-visitor:${token}`).slice(0, 32);
  let seq = 0;
  const ev = (name: string, props: Record<string, any> = {}, at?: number, page = `page-${label}-main`) =>
    makeEvent({ event_id: `evt-bots-${label}-${seq}`, visitor_id: id, session_id: `session-${label}`, page_id: page, seq: seq++, name: name as any, props, ts: at ?? start + seq * 2_000 });
  return { id, token, ev, start };
}

async function send(token: string, events: unknown[], extra: Record<string, unknown> = {}) {
  for (let i = 0; i < events.length; i += 100) {
    const res = await post({ ...extra, token, events: events.slice(i, i + 100) }, { site: SITE });
    expect(res.status).toBe(202);
    expect((await res.json<any>()).rejected).toEqual([]);
  }
}


const get = async (path: string) => {
  const res = await exports.default.fetch(`${BASE}${path}${path.includes('?') ? '&' : '?'}site=${SITE}`, { headers: { ...ADMIN, origin: ORIGIN } });
  expect(res.status).toBe(200);
  return res.json<any>();
};

const view = (item: string) => ({ item_id: item, item_category: 'c', price: 10 });
const buy = (item: string, tag: string) => ({ transaction_id: `t-${tag}`, value: 10, items: [{ item_id: item, price: 10, quantity: 1 }] });

const human = browser('human');
const fast = browser('fast');
const pages = browser('pages');
const idle = browser('idle');
const unviewed = browser('unviewed');
const automated = browser('automated');
const returning = browser('returning', Date.now() - 3 * 3_600_000);

/** What the brain holds of the `pages` visitor's session and item. */
const brainRows = () =>
  runInDurableObject(env.BRAIN.get(env.BRAIN.idFromName(SITE)), async (_, state) => ({
    item: state.storage.sql.exec<{ view_sessions: number; trend: number }>("SELECT view_sessions, trend FROM item_stats WHERE item = 'pages-item'").toArray()[0],
    sessions: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE session_id = 'session-pages'").one().n,
  }));
let pagesTaught: Awaited<ReturnType<typeof brainRows>>;

beforeAll(async () => {
  await saveSite(env.DB, { ...TEST_SITE, key: SITE, name: SITE, adminKey: `${SITE}-admin`, readKey: `${SITE}-read`, shards: 2 });
  await saveItems(env.DB, SITE, ITEMS.map((id) => ({ id, name: id, category: 'c', price: 10, inStock: true })));
  clearSiteCache();

  // a person: views, engaged time, a purchase of what they viewed
  await send(human.token, [human.ev('page_view'), human.ev('view_item', view('human-item')), human.ev('user_engagement', { engaged_ms: 20_000 })]);
  await send(human.token, [human.ev('add_to_cart', view('human-item')), human.ev('purchase', buy('human-item', 'human'))]);

  // dozens of events a second: views with engaged time, 40 events within 2 s
  const t = fast.start;
  const burst = [fast.ev('page_view', {}, t), fast.ev('view_item', view('fast-item'), t + 10), fast.ev('user_engagement', { engaged_ms: 5_000 }, t + 20)];
  for (let i = 3; i < 40; i++) burst.push(fast.ev('click', {}, t + i * 50));
  await send(fast.token, burst);

  // more pages than a session can hold, engaged and slow enough not to be too fast
  const many = [pages.ev('page_view', {}, pages.start, 'page-pages-0'), pages.ev('view_item', view('pages-item'), pages.start + 1, 'page-pages-0'), pages.ev('user_engagement', { engaged_ms: 5_000 }, pages.start + 2, 'page-pages-0')];
  for (let i = 1; i <= BOT_LIMITS.pagesPerSession; i++) many.push(pages.ev('page_view', {}, pages.start + i * 1_000, `page-pages-${i}`));
  // the first hundred look like a person's and teach the brain; the rest flag the session, which takes it back
  await send(pages.token, many.slice(0, 100));
  await settle(SITE);
  pagesTaught = await brainRows();
  await send(pages.token, many.slice(100));

  // page after page, never any engaged time
  const still = [idle.ev('view_item', view('idle-item'))];
  for (let i = 0; i < BOT_LIMITS.pagesWithoutEngagement; i++) still.push(idle.ev('page_view', {}, undefined, `page-idle-${i}`));
  await send(idle.token, still);

  // a purchase of a product never viewed, in one request
  await send(unviewed.token, [unviewed.ev('page_view'), unviewed.ev('purchase', buy('unviewed-item', 'unviewed'))]);

  // the browser says it is automated (navigator.webdriver), behaving otherwise like a person
  await send(automated.token, [automated.ev('page_view'), automated.ev('view_item', view('webdriver-item')), automated.ev('user_engagement', { engaged_ms: 20_000 })], { webdriver: true });

  // a returning buyer: viewed the item in an earlier session, buys it straight away in a new one
  await send(returning.token, [
    makeEvent({ event_id: 'returning-a0', visitor_id: returning.id, session_id: 'session-returning-1', page_id: 'page-returning-1', seq: 0, name: 'view_item', props: view('other-item'), ts: returning.start }),
    makeEvent({ event_id: 'returning-a1', visitor_id: returning.id, session_id: 'session-returning-1', page_id: 'page-returning-1', seq: 1, name: 'user_engagement', props: { engaged_ms: 9_000 }, ts: returning.start + 9_000 }),
  ]);
  await send(returning.token, [
    makeEvent({ event_id: 'returning-b0', visitor_id: returning.id, session_id: 'session-returning-2', page_id: 'page-returning-2', seq: 2, name: 'page_view', ts: returning.start + 3_600_000 }),
    makeEvent({ event_id: 'returning-b1', visitor_id: returning.id, session_id: 'session-returning-2', page_id: 'page-returning-2', seq: 3, name: 'purchase', props: buy('other-item', 'returning'), ts: returning.start + 3_601_000 }),
  ]);
  await settle(SITE);
}, 120_000);

describe('behaviour bot flags', () => {
  it('flag each impossible behaviour with its reason, on the visitor admin view', async () => {
    const reasonOf = async (b: { id: string }) => (await get(`/v1/visitors/${b.id}/profile`)).session.bot;
    expect(await reasonOf(human)).toBeNull();
    expect(await reasonOf(returning)).toBeNull();
    expect(await reasonOf(fast)).toBe('too_fast');
    expect(await reasonOf(pages)).toBe('too_many_pages');
    expect(await reasonOf(idle)).toBe('no_engagement');
    expect(await reasonOf(unviewed)).toBe('purchase_without_view');
    expect(await reasonOf(automated)).toBe('automation');
  });

  it('count flagged sessions per reason for the admin', async () => {
    const status = await get('/v1/admin/models');
    expect(status.bots).toEqual({
      sessions: 5,
      reasons: { automation: 1, no_engagement: 1, purchase_without_view: 1, too_fast: 1, too_many_pages: 1 },
    });
  });

  it('keep flagged sessions out of the overview report, counted apart', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/reports/overview?site=${SITE}`, { headers: { authorization: `Bearer ${SITE}-read` } });
    expect(res.status).toBe(200);
    const report = await res.json<any>();
    // people: the human's session and the returning buyer's two, with their two orders
    expect(report.totals).toMatchObject({ sessions: 3, orders: 2, revenue: 20 });
    // the products people viewed and bought; what the flagged sessions viewed before their flag is taken back
    expect(report.top_products.map((p: any) => [p.item_id, p.views, p.purchases, p.revenue])).toEqual([['human-item', 1, 1, 10], ['other-item', 1, 1, 10]]);
    // every flagged session's events, those counted as a person's before it was flagged included:
    // 40 (too fast) + 1003 (too many pages: 3 + 1000 page views) + 9 (no engagement) + 2 (unviewed purchase) + 3 (webdriver)
    expect(report.bots).toEqual({ sessions: 5, events: 40 + 1_003 + 9 + 2 + 3 });
  });

  it("keep flagged sessions' events stored", async () => {
    const events = async (b: { id: string }) => (await get(`/v1/visitors/${b.id}/events?limit=10000`)).events;
    expect((await events(fast)).length).toBe(40);
    expect((await events(pages)).length).toBe(BOT_LIMITS.pagesPerSession + 3);
    expect((await events(unviewed)).map((e: any) => e.name)).toEqual(['page_view', 'purchase']);
  });

  it('take back what a session taught before it was flagged', async () => {
    expect(pagesTaught.item.view_sessions).toBe(1);
    expect(pagesTaught.item.trend).toBeGreaterThan(0);
    expect(pagesTaught.sessions).toBe(1);
    const after = await brainRows();
    expect(after.item.view_sessions).toBe(0);
    expect(after.item.trend).toBeCloseTo(0, 3);
    expect(after.sessions).toBe(0);
  });

  it('keep flagged sessions out of trending and co-occurrence', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/recs?site=${SITE}&context=home&limit=20`, { headers: { origin: ORIGIN } });
    const trending = ((await res.json<any>()).items as { item_id: string }[]).map((i) => i.item_id).sort();
    expect(trending).toEqual(['human-item', 'other-item']);
    const together = await exports.default.fetch(`${BASE}/v1/recs?site=${SITE}&context=product&item=human-item&limit=20`, { headers: { origin: ORIGIN } });
    const reasons = ((await together.json<any>()).items as { item_id: string; reason: string }[]).filter((i) => i.reason !== 'trending');
    expect(reasons).toEqual([]);
  });
});
