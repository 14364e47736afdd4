// GET /v1/decide: keys and origins, the answer's shape, priority, schedules, caps, holdouts,
// fallbacks, and the records of assignments, viewable impressions and clicks in the shard.
import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../../worker/src/campaigns/assignment';
import { saveItems } from '../../worker/src/catalog';
import { MAX_UNMATCHED_CAMPAIGNS, applyCampaignEvent, migrateCampaignTables } from '../../worker/src/campaigns/records';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE, makeEvent } from './helpers';
import { admin, armsOf, assignment, create, decide, inShard, promotion, send, slotEvent, visitorIn, vid } from './campaigns-helpers';

const DAY = 86_400_000;

beforeAll(async () => {
  await saveItems(env.DB, TEST_SITE.key, ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((id, i) => ({ id, name: `Item ${id}`, category: i < 3 ? 'Shoes' : 'Bags', price: 10 + i, inStock: id !== 'd6' })));
});

describe('keys, origins and parameters', () => {
  it('answers a shop\'s allowed origin, with CORS, and refuses others', async () => {
    await create(promotion(['dk-hero'], { holdout: 0 }));
    const ok = await decide(`visitor=${vid('visitor-dk-0001')}&page=home&slots=dk-hero`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('cache-control')).toMatch(/no-store/);
    const evil = await decide(`visitor=${vid('visitor-dk-0001')}&page=home&slots=dk-hero`, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body).toEqual({ error: expect.stringMatching(/origin is not allowed/) });
    expect((await decide(`visitor=${vid('visitor-dk-0001')}&page=home&slots=dk-hero`, { site: 'no-such-shop' })).status).toBe(401);
  });

  it('400 for bad parameters', async () => {
    const bad: [string, RegExp][] = [
      ['page=home&slots=a', /visitor/],
      ['visitor=bad id&page=home&slots=a', /visitor/],
      [`visitor=${vid('visitor-dk-0002')}&slots=a`, /page must be one of/],
      [`visitor=${vid('visitor-dk-0002')}&page=landing&slots=a`, /page must be one of/],
      [`visitor=${vid('visitor-dk-0002')}&page=home`, /slots/],
      [`visitor=${vid('visitor-dk-0002')}&page=home&slots=a b`, /slots/],
      [`visitor=${vid('visitor-dk-0002')}&page=home&slots=${Array.from({ length: 11 }, (_, i) => `s${i}`).join(',')}`, /slots must list 1-10/],
      [`visitor=${vid('visitor-dk-0002')}&page=home&slots=a&fallback=b`, /fallback slot "b" is not in slots/],
      [`visitor=${vid('visitor-dk-0002')}&page=home&slots=a&exit=yes`, /exit/],
      [`visitor=${vid('visitor-dk-0002')}&page=home&slots=a&item=${'x'.repeat(101)}`, /item/],
    ];
    for (const [query, message] of bad) {
      const res = await decide(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatch(message);
    }
  });
});

describe('decisions', () => {
  it('answers exactly {decisions: [{slot, campaign, variant, decision_id, content}]}, the creative filled in', async () => {
    const c = await create(promotion(['dd-hero'], { holdout: 0.5 }));
    const treated = visitorIn(armsOf(c), 'a', vid('visitor-dd-t'));
    const res = await decide(`visitor=${treated}&page=category&category=Shoes&slots=dd-hero`);
    expect(Object.keys(res.body)).toEqual(['decisions']);
    expect(res.body.decisions).toHaveLength(1);
    const d = res.body.decisions[0];
    expect(Object.keys(d)).toEqual(['slot', 'campaign', 'variant', 'decision_id', 'content']);
    expect(d).toMatchObject({ slot: 'dd-hero', campaign: c.id, variant: 'a' });
    expect(d.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.content).toEqual({ type: 'promotion', title: 'Save with SAVE10', text: '10 % off Shoes today', code: 'SAVE10', link: '/sale', image: '/img/sale.png', cta: 'Shop now' });

    const held = visitorIn(armsOf(c), 'holdout', vid('visitor-dd-h'));
    const h = (await decide(`visitor=${held}&page=home&slots=dd-hero`)).body.decisions;
    expect(h).toEqual([{ slot: 'dd-hero', campaign: c.id, variant: 'holdout', decision_id: expect.any(String), content: null }]);
  });

  it('fills each slot with its highest-priority eligible campaign, each campaign at most once per page', async () => {
    const low = await create(promotion(['dp-a', 'dp-b'], { holdout: 0, priority: 1 }));
    const high = await create(promotion(['dp-a', 'dp-b'], { holdout: 0, priority: 50 }));
    const onlyA = await create(promotion(['dp-a'], { holdout: 0, priority: 100, targeting: { page_types: ['cart'] } }));
    const on = async (page: string) => Object.fromEntries((await decide(`visitor=${vid('visitor-dp-0001')}&page=${page}&slots=dp-a,dp-b,dp-c`)).body.decisions.map((d: any) => [d.slot, d.campaign]));
    expect(await on('home')).toEqual({ 'dp-a': high.id, 'dp-b': low.id });
    expect(await on('cart')).toEqual({ 'dp-a': onlyA.id, 'dp-b': high.id });
  });

  it('serves only active campaigns inside their schedule', async () => {
    const fallbackCampaign = await create(promotion(['ds-slot'], { holdout: 0, priority: 0 }));
    const future = await create(promotion(['ds-slot'], { holdout: 0, priority: 10, start: Date.now() + DAY }));
    const past = await create(promotion(['ds-slot'], { holdout: 0, priority: 20, start: Date.now() - 3 * DAY, end: Date.now() - DAY }));
    const paused = await create(promotion(['ds-slot'], { holdout: 0, priority: 30, status: 'paused' }));
    const ended = await create(promotion(['ds-slot'], { holdout: 0, priority: 40, status: 'ended' }));
    const served = async () => (await decide(`visitor=${vid('visitor-ds-0001')}&page=home&slots=ds-slot`)).body.decisions[0]?.campaign;
    expect(await served()).toBe(fallbackCampaign.id);
    expect((await admin('PUT', `/${paused.id}`, { status: 'active' })).status).toBe(200);
    expect(await served()).toBe(paused.id);
    expect((await admin('PUT', `/${ended.id}`, { status: 'active', end: Date.now() + DAY })).status).toBe(200);
    expect(await served()).toBe(ended.id);
    for (const c of [future, past]) expect(await assignment(c.id, vid('visitor-ds-0001'))).toBeNull();
  });

  it('gives fallback slots with no campaign personal recommendations, and never a holdout slot', async () => {
    const c = await create(promotion(['df-hero'], { holdout: 0.5 }));
    // other visitors' views teach the recommender what is popular
    // (with engaged time: only sessions that look like people's teach it, bots/session-watch.ts)
    await send(['d1', 'd2', 'd3', 'd4', 'd6'].flatMap((item, i) => [makeEvent({ visitor_id: vid(`visitor-df-crowd-${i}`), session_id: `session-df-crowd-${i}`, name: 'view_item', props: { item_id: item, item_category: 'Shoes' } }),
      makeEvent({ visitor_id: vid(`visitor-df-crowd-${i}`), session_id: `session-df-crowd-${i}`, name: 'user_engagement', props: { engaged_ms: 5_000 } })]));
    const held = visitorIn(armsOf(c), 'holdout', vid('visitor-df-h'));
    let body: any;
    for (let i = 0; i < 50; i++) {
      body = (await decide(`visitor=${held}&page=home&slots=df-hero,df-recs,df-none&fallback=df-hero,df-recs`)).body;
      if (body.decisions[1]?.content.items.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body.decisions.map((d: any) => [d.slot, d.variant])).toEqual([['df-hero', 'holdout'], ['df-recs', null]]);
    const recs = body.decisions[1];
    expect(recs).toMatchObject({ slot: 'df-recs', campaign: null, variant: null, decision_id: null, content: { type: 'recommendation', strategy: 'personal', title: 'Recommended for you' } });
    const ids = recs.content.items.map((x: any) => x.item_id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('d6'); // out of stock
    expect(recs.content.items[0]).toEqual({ item_id: expect.any(String), name: expect.stringMatching(/^Item d/), category: expect.any(String), price: expect.any(Number), reason: expect.any(String) });
  });

  it('fills recommendation campaigns from the recommender by strategy', async () => {
    const rec = (strategy: string, slot: string) =>
      create({ name: strategy, type: 'recommendation', slots: [slot], holdout: 0, variants: [{ name: 'r', weight: 1, content: { title: `By ${strategy}`, strategy, limit: 3 } }] });
    await rec('recently_viewed', 'dr-recent');
    await rec('trending', 'dr-trend');
    const v = vid('visitor-dr-0001');
    await send(['d5', 'd4', 'd6', 'd1'].map((item, i) => makeEvent({ visitor_id: v, session_id: 'session-dr-0001', name: 'view_item', seq: 1000 + i, props: { item_id: item } })));
    const res = await decide(`visitor=${v}&page=product&item=d1&slots=dr-recent,dr-trend`);
    const [recent, trend] = res.body.decisions;
    expect(recent.content).toMatchObject({ type: 'recommendation', title: 'By recently_viewed', strategy: 'recently_viewed' });
    // newest first; not the product on the page, nothing out of stock
    expect(recent.content.items.map((x: any) => x.item_id)).toEqual(['d4', 'd5']);
    expect(recent.content.items[0]).toEqual({ item_id: 'd4', name: 'Item d4', category: 'Bags', price: 13, reason: 'recently_viewed' });
    expect(trend.content.strategy).toBe('trending');
    expect(trend.content.items.length).toBeLessThanOrEqual(3);
  });
});

describe('caps', () => {
  it('count viewable impressions per day, and cap the holdout like the treatment', async () => {
    const capped = await create(promotion(['dc-day'], { holdout: 0.5, priority: 10, caps: { per_day: 2 } }));
    const filler = await create(promotion(['dc-day'], { holdout: 0, priority: 0 }));
    for (const arm of ['a', 'holdout']) {
      const v = visitorIn(armsOf(capped), arm, vid(`visitor-dc-${arm}`));
      const first = (await decide(`visitor=${v}&page=home&slots=dc-day`)).body.decisions[0];
      expect(first).toMatchObject({ campaign: capped.id, variant: arm });
      await send([slotEvent('view_promotion', v, first)]);
      // one impression: still under the cap; a second decision does not count as one
      expect((await decide(`visitor=${v}&page=home&slots=dc-day`)).body.decisions[0].campaign).toBe(capped.id);
      expect((await decide(`visitor=${v}&page=home&slots=dc-day`)).body.decisions[0].campaign).toBe(capped.id);
      await send([slotEvent('view_promotion', v, first)]);
      expect((await decide(`visitor=${v}&page=home&slots=dc-day`)).body.decisions[0].campaign).toBe(filler.id);
      // yesterday's impressions do not count today
      await inShard(v, 'UPDATE campaign_exposure_days SET day = day - 1 WHERE visitor_id = ? AND campaign_id = ?', v, capped.id);
      expect((await decide(`visitor=${v}&page=home&slots=dc-day`)).body.decisions[0].campaign).toBe(capped.id);
    }
  });

  it('count the last seven days for the weekly cap', async () => {
    const c = await create(promotion(['dc-week'], { holdout: 0, caps: { per_day: 10, per_week: 3 } }));
    // an hour into the UTC day `daysAgo` days before today
    const ts = (daysAgo: number) => (Math.floor(Date.now() / DAY) - daysAgo) * DAY + 3_600_000;
    const visit = async (v: string, daysAgo: number[]) => {
      const d = (await decide(`visitor=${v}&page=home&slots=dc-week`)).body.decisions[0];
      expect(d.campaign).toBe(c.id);
      await send(daysAgo.map((n) => slotEvent('view_promotion', v, d, { ts: ts(n) })));
      return (await decide(`visitor=${v}&page=home&slots=dc-week`)).body.decisions;
    };
    expect(await visit(vid('visitor-dc-week-1'), [1, 4, 6])).toEqual([]);
    expect(await visit(vid('visitor-dc-week-2'), [2, 4])).toHaveLength(1);
    expect(await visit(vid('visitor-dc-week-3'), [7, 7, 7, 6, 6])).toHaveLength(1); // 7 days back is outside the week
    expect(await visit(vid('visitor-dc-week-4'), [7, 6, 6, 6])).toEqual([]);
  });
});

describe('records in the visitor\'s shard', () => {
  it('records the assignment of both arms, in server time', async () => {
    const c = await create(promotion(['dr-both'], { holdout: 0.5 }));
    for (const arm of ['holdout', 'a', 'b']) {
      const v = visitorIn(armsOf(c), arm, vid(`visitor-drb-${arm}`));
      const before = Date.now();
      const d = (await decide(`visitor=${v}&page=home&slots=dr-both`)).body.decisions[0];
      const row = await assignment(c.id, v);
      expect(row).toMatchObject({ campaign_id: c.id, visitor_id: v, variant: arm, first_exposed_at: null, exposures: 0, clicks: 0, last_decision_id: d.decision_id, mismatches: 0 });
      expect(row.assigned_at).toBeGreaterThanOrEqual(before);
      expect(row.assigned_at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('counts each exposure and click event once, on the arm the hash gave, whatever the event claims', async () => {
    const c = await create(promotion(['dr-ev'], { holdout: 0.5 }));
    const v = visitorIn(armsOf(c), 'b', 'visitor-dre');
    const d = (await decide(`visitor=${v}&page=home&slots=dr-ev`)).body.decisions[0];
    const seen = Date.now() - 5_000;
    const view = slotEvent('view_promotion', v, d, { ts: seen });
    const click = slotEvent('select_promotion', v, d, { ts: seen + 1_000 });
    const later = (await decide(`visitor=${v}&page=home&slots=dr-ev`)).body.decisions[0];
    expect(later.variant).toBe('b');
    const assigned = await assignment(c.id, v);
    expect(assigned.last_decision_id).toBe(d.decision_id); // the assigning decision
    const decided = assigned.assigned_at;
    expect(await send([view, click])).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await send([view, click])).toMatchObject({ accepted: 0, duplicates: 2 }); // a resent batch
    let row = await assignment(c.id, v);
    // a page's impression stamped before the decision counts from the decision, which stays as it was
    expect(row).toMatchObject({ variant: 'b', exposures: 1, clicks: 1, first_exposed_at: decided, assigned_at: decided, mismatches: 0 });
    // a claim of another arm counts on the recorded arm, as a mismatch
    await send([slotEvent('view_promotion', v, { ...d, variant: 'holdout' }), makeEvent({ visitor_id: v, name: 'view_item_list', props: { campaign_id: c.id, variant: 'b', decision_id: d.decision_id, slot: 'dr-ev', position: 0, items: [{ item_id: 'd1' }] } }), makeEvent({ visitor_id: v, name: 'select_item', props: { campaign_id: c.id, variant: 'a', item_id: 'd1' } })]);
    row = await assignment(c.id, v);
    expect(row).toMatchObject({ variant: 'b', exposures: 3, clicks: 2, first_exposed_at: decided, mismatches: 2 });
    // the decision of the latest impression
    await send([slotEvent('view_promotion', v, later)]);
    expect(await assignment(c.id, v)).toMatchObject({ exposures: 4, last_decision_id: later.decision_id });
    // events without a campaign, or of other kinds, change nothing
    await send([makeEvent({ visitor_id: v, name: 'view_promotion', props: { promotion_id: 'shop-banner' } }), makeEvent({ visitor_id: v, name: 'add_to_cart', props: { item_id: 'd1', campaign_id: c.id } })]);
    expect(await assignment(c.id, v)).toMatchObject({ exposures: 4, clicks: 2 });
  });

  it('records the holdout\'s exposure to the default content', async () => {
    const c = await create(promotion(['dr-hold'], { holdout: 0.5 }));
    const v = visitorIn(armsOf(c), 'holdout', 'visitor-drh');
    const d = (await decide(`visitor=${v}&page=home&slots=dr-hold`)).body.decisions[0];
    expect(d.content).toBeNull();
    const decided = (await assignment(c.id, v)).assigned_at;
    const at = Math.max(Date.now(), decided + 1);
    await send([slotEvent('view_promotion', v, d, { ts: at })]);
    expect(await assignment(c.id, v)).toMatchObject({ variant: 'holdout', exposures: 1, first_exposed_at: at, mismatches: 0 });
    expect(assignArm(armsOf(c), v)).toBe('holdout');
  });

  it('counts slot events of campaigns the visitor was never assigned apart, and assigns no one from them', async () => {
    const c = await create(promotion(['dr-un'], { holdout: 0.5 }));
    const v = vid('visitor-dr-unassigned');
    await send([slotEvent('view_promotion', v, { campaign: c.id, variant: 'a', decision_id: 'made-up', slot: 'dr-un' })]);
    expect(await assignment(c.id, v)).toBeNull();
    expect(await inShard(v, 'SELECT events FROM campaign_unmatched WHERE campaign_id = ?', c.id)).toEqual([{ events: 1 }]);
  });

  it('counts unmatched slot events of at most MAX_UNMATCHED_CAMPAIGNS campaign ids, whatever ids pages send', async () => {
    const rows = await runInDurableObject(env.SHARDS.get(env.SHARDS.newUniqueId()), (_shard: VisitorShard, state) => {
      const sql = state.storage.sql;
      migrateCampaignTables(sql);
      const row = { visitor_id: 'v-unmatched', name: 'view_promotion', ts: 1, received_at: 1 };
      for (let i = 0; i < MAX_UNMATCHED_CAMPAIGNS + 200; i++) applyCampaignEvent(sql, row, { campaign_id: `made-up-${i}` });
      applyCampaignEvent(sql, row, { campaign_id: 'made-up-0' }); // one counted before still counts
      return { ids: sql.exec<{ n: number }>('SELECT count(*) AS n FROM campaign_unmatched').one().n, first: sql.exec<{ events: number }>("SELECT events FROM campaign_unmatched WHERE campaign_id = 'made-up-0'").one().events };
    });
    expect(rows).toEqual({ ids: MAX_UNMATCHED_CAMPAIGNS, first: 2 });
  });
});
