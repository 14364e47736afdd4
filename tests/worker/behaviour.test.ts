// Events go in; profiles, intent scores, segments and recommendations come out and reflect them.
import { exports } from 'cloudflare:workers';
import { createHash } from 'node:crypto';
import { vid } from './campaigns-helpers';
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { saveItems } from '../../worker/src/catalog';
import { clearModelCache } from '../../worker/src/models';
import { BASE, TEST_SITE, makeEvent, post } from './helpers';
import { OBSERVE_EVERY_MS } from '../../worker/src/visitor-shard';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const CATEGORY: Record<string, string> = {};
for (const [cat, ids] of Object.entries({ Shoes: ['sh-1', 'sh-2', 'sh-3', 'sh-4', 'sh-5'], Bags: ['bg-1', 'bg-2', 'bg-3'], Hats: ['ht-1', 'ht-2', 'ht-3'], Socks: ['sk-1', 'sk-2'] })) {
  for (const id of ids) CATEGORY[id] = cat;
}

beforeAll(async () => {
  await saveItems(env.DB, TEST_SITE.key, [
    ...Object.entries(CATEGORY).map(([id, category]) => ({ id, name: `Item ${id}`, category, price: 10, inStock: id !== 'ht-3' })),
  ]);
});

let n = 0;
/** One visit: page view, product views, optional cart, checkout and purchase. */
function visit(visitor: string, items: string[], opts: { buy?: boolean; ts?: number; session?: string } = {}) {
  n++;
  const session = opts.session ?? `session-${visitor}-${n}`;
  let ts = opts.ts ?? Date.now() - 60_000;
  let seq = n * 100;
  const ev = (name: any, props: any = {}) => makeEvent({ visitor_id: visitor, session_id: session, name, props, ts: (ts += 1_000), seq: seq++, page_id: `page-${session}-${seq}`.slice(0, 64) });
  const events = [ev('page_view')];
  for (const item of items) {
    events.push(ev('view_item', { item_id: item, item_category: CATEGORY[item] }));
    events.push(ev('user_engagement', { engaged_ms: 20_000 }));
  }
  if (opts.buy) {
    events.push(ev('add_to_cart', { item_id: items[0], item_category: CATEGORY[items[0]], quantity: 1, price: 10 }));
    events.push(ev('begin_checkout', { value: 10 }));
    events.push(ev('purchase', { transaction_id: `t-${session}`, value: 10 * items.length, items: items.map((item_id) => ({ item_id, quantity: 1, price: 10 })) }));
  }
  return events;
}

async function send(events: any[]) {
  for (let i = 0; i < events.length; i += 50) {
    const res = await post({ events: events.slice(i, i + 50) });
    expect(res.status).toBe(202);
    expect((await res.json<any>()).rejected).toEqual([]);
  }
}

// Personalized reads need the visitor's token (the first one presented is kept).
const tokenOf = (label: string) => createHash('sha256').update(label).digest('hex').slice(0, 32);
const CART_VISITOR = vid('visitor-cart-1');
const KNN_VISITOR = vid('visitor-knn-me');

const profile = async (visitor: string) => {
  const res = await exports.default.fetch(`${BASE}/v1/visitors/${visitor}/profile?site=${TEST_SITE.key}`, { headers: ADMIN });
  return { status: res.status, body: await res.json<any>() };
};
const recs = async (query: string) => {
  const res = await exports.default.fetch(`${BASE}/v1/recs?site=${TEST_SITE.key}&${query}`, { headers: { origin: 'https://shop.example' } });
  return { status: res.status, body: await res.json<any>() };
};
/** The recommender learns after the response (waitUntil): poll until it shows what the test expects. */
async function eventually<T>(check: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await check();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('behaviour profile', () => {
  it('follows a visit: features, intent, lifecycle, affinity', async () => {
    await send(visit('visitor-profile-1', ['sh-1']));
    const before = (await profile('visitor-profile-1')).body;
    expect(before.session.features).toMatchObject({ page_views: 1, product_views: 1, cart_adds: 0 });
    expect(before.lifecycle).toBe('new');
    expect(before.intent_model).toEqual({ version: 0, kind: 'prior' });

    const session = before.session.id;
    await send(visit('visitor-profile-1', ['sh-2', 'bg-1'], { buy: false, session }));
    const browsing = (await profile('visitor-profile-1')).body;
    expect(browsing.session.features).toMatchObject({ product_views: 3, distinct_items: 3, distinct_categories: 2, engaged_s: 60 });
    expect(browsing.lifecycle).toBe('engaged'); // three product views on a first visit
    expect(Object.keys(browsing.category_affinity)[0]).toBe('Shoes');
    expect(browsing.recently_viewed.slice(0, 3)).toEqual(['bg-1', 'sh-2', 'sh-1']);

    const ts = Date.now() - 10_000;
    await send([
      makeEvent({ visitor_id: 'visitor-profile-1', session_id: session, name: 'add_to_cart', props: { item_id: 'sh-2', item_category: 'Shoes' }, ts, seq: 9_000 }),
      makeEvent({ visitor_id: 'visitor-profile-1', session_id: session, name: 'begin_checkout', props: { value: 10 }, ts: ts + 1, seq: 9_001 }),
    ]);
    const checkout = (await profile('visitor-profile-1')).body;
    expect(checkout.session.features).toMatchObject({ cart_adds: 1, began_checkout: 1 });
    expect(checkout.session.intent).toBeGreaterThan(browsing.session.intent);
    expect(browsing.session.intent).toBeGreaterThan(before.session.intent);
    expect(checkout.cart).toEqual(['sh-2']);
  });

  it('freezes the features before the purchase and counts it once, however often it is sent', async () => {
    const events = visit('visitor-buyer-1', ['bg-2', 'bg-3'], { buy: true });
    await send(events);
    await send(events); // the same batch again: duplicates must not double the profile
    const { body } = await profile('visitor-buyer-1');
    expect(body.session.purchased).toBe(true);
    expect(body.lifetime).toMatchObject({ purchases: 1, revenue: 20, visits: 1 });
    expect(body.session.features.began_checkout).toBe(1); // what the visitor had done before buying
    expect(body.cart).toEqual([]);
  });

  it('answers an unknown visitor with 404 and needs the admin key', async () => {
    expect((await profile('visitor-nobody-here')).status).toBe(404);
    const res = await exports.default.fetch(`${BASE}/v1/visitors/visitor-buyer-1/profile?site=${TEST_SITE.key}`);
    expect(res.status).toBe(401);
  });
});

describe('recommendations', () => {
  it('recommends what other visitors viewed together with the product, with the reason', async () => {
    for (let i = 0; i < 4; i++) await send(visit(`visitor-cooc-${i}`, ['sh-3', 'sh-4']));
    await send(visit('visitor-cooc-x', ['sh-3', 'bg-1']));
    const { status, body } = await eventually(async () => {
      const r = await recs('context=product&item=sh-3&limit=5');
      expect(r.body.items[0]?.item_id).toBe('sh-4');
      return r;
    });
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({ item_id: 'sh-4', reason: 'viewed_together', name: 'Item sh-4', category: 'Shoes' });
    expect(body.items.map((i: any) => i.item_id)).not.toContain('sh-3'); // never the product itself
    expect(body.model_version).toMatch(/^brain-/);
  });

  it('recommends what was bought together with the cart, and never what is in the cart', async () => {
    for (let i = 0; i < 3; i++) await send(visit(`visitor-basket-${i}`, ['ht-1', 'ht-2'], { buy: true }));
    await send(visit(CART_VISITOR, ['ht-1']));
    await send([makeEvent({ visitor_id: CART_VISITOR, name: 'add_to_cart', props: { item_id: 'ht-1', item_category: 'Hats' } })]);
    const { body } = await eventually(async () => {
      const r = await recs(`visitor=${CART_VISITOR}&token=${tokenOf('visitor-cart-1')}&context=cart&limit=5`);
      expect(r.body.items[0]?.item_id).toBe('ht-2');
      return r;
    });
    expect(body.items[0].reason).toBe('bought_together');
    expect(body.items.map((i: any) => i.item_id)).not.toContain('ht-1');
  });

  it('recommends from similar sessions (V-SKNN) for the current session', async () => {
    for (let i = 0; i < 3; i++) await send(visit(`visitor-knn-${i}`, ['sh-5', 'bg-2', 'bg-3']));
    await send(visit(KNN_VISITOR, ['sh-5', 'bg-2']));
    const { body } = await eventually(async () => {
      const r = await recs(`visitor=${KNN_VISITOR}&token=${tokenOf('visitor-knn-me')}&context=home&limit=10`);
      expect(r.body.items.find((i: any) => i.item_id === 'bg-3')?.reason).toBe('session_similar');
      return r;
    });
    expect(body.items.findIndex((i: any) => i.item_id === 'bg-3')).toBeLessThan(3);
  });

  it('filters out-of-stock items and keeps a few per category; cold start gets trending items', async () => {
    for (let i = 0; i < 5; i++) await send(visit(`visitor-trend-${i}`, ['ht-3', 'sh-1', 'sh-2', 'sh-3', 'sh-4', 'sh-5']));
    const { body } = await eventually(async () => {
      const r = await recs('context=home&limit=20');
      expect(r.body.items.length).toBeGreaterThan(0);
      return r;
    });
    expect(body.visitor).toBeNull();
    expect(body.items.map((i: any) => i.item_id)).not.toContain('ht-3'); // out of stock
    expect(body.items.filter((i: any) => i.category === 'Shoes').length).toBeLessThanOrEqual(3);
    expect(body.items.every((i: any) => i.reason === 'trending')).toBe(true);
  });

  it('answers bad parameters with 400', async () => {
    expect((await recs('context=nowhere')).status).toBe(400);
    expect((await recs('context=product')).status).toBe(400);
    expect((await recs('limit=500')).status).toBe(400);
    expect((await recs('visitor=bad id')).status).toBe(400);
  });
});

describe('retraining', () => {
  it('the cron handler trains the shop\'s intent model and segments from finished sessions', async () => {
    // 120 finished sessions (over 30 minutes old): buyers look at more and go to checkout
    const events: any[] = [];
    const items = Object.keys(CATEGORY);
    for (let i = 0; i < 120; i++) {
      const buys = i % 6 === 0;
      const viewed = items.slice(i % 8, (i % 8) + (buys ? 4 : 1 + (i % 3)));
      events.push(...visit(`visitor-train-${String(i).padStart(3, '0')}`, viewed, { buy: buys, ts: Date.now() - 3 * 3_600_000 - i * 60_000 }));
    }
    await send(events);
    // the cron enqueues one message per site and step; the queue consumer trains
    const sent: MessageSendRequest[] = [];
    const controller = createScheduledController({ scheduledTime: new Date(), cron: '0 */6 * * *' });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, { ...env, TRAINING: { sendBatch: async (m: MessageSendRequest[]) => void sent.push(...m) } } as unknown as typeof env, ctx);
    await waitOnExecutionContext(ctx);
    const batch = createMessageBatch('linger-training', sent.filter((m) => (m.body as any).site === TEST_SITE.key && (m.body as any).step && (m.body as any).step !== 'recs').map((m, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body: m.body })));
    const queueCtx = createExecutionContext();
    await worker.queue(batch, env, queueCtx);
    expect((await getQueueResult(batch, queueCtx)).explicitAcks.length).toBe(2);

    const { results } = await env.DB.prepare("SELECT kind, version, metrics FROM models WHERE site_key = ? ORDER BY kind").bind(TEST_SITE.key).all<any>();
    expect(results.map((r) => r.kind)).toEqual(['intent', 'segments']);
    const metrics = JSON.parse(results[0].metrics);
    expect(Object.keys(metrics.cv)).toEqual(['calibrated']); // out-of-fold scores of the served trees
    expect(metrics.cv.calibrated.auc).toBeGreaterThan(0.9); // buyers are easy to tell apart here

    // new events are scored with the trained model and get a segment with memberships
    clearModelCache();
    await send(visit('visitor-after-training', ['sh-1', 'sh-2']));
    const { body } = await profile('visitor-after-training');
    expect(body.intent_model.version).toBe(1);
    expect(typeof body.segment).toBe('string');
    const total = Object.values(body.memberships as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 3);
  }, 30_000);

  it('retrains on demand, as a new model version', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/admin/retrain?site=${TEST_SITE.key}`, { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(200);
    const report = await res.json<any>();
    expect(report.intent.version).toBe(2);
    expect(report.recommender.items).toBeGreaterThan(5);
    const denied = await exports.default.fetch(`${BASE}/v1/admin/retrain?site=${TEST_SITE.key}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
    expect(denied.status).toBe(403);
  });
});

describe('recommender updates', () => {
  it('gives both items of a new pair the other as neighbour at once', async () => {
    await send(visit('visitor-pair-1', ['sk-1', 'sk-2']));
    // the first item's list learns of the second without any later view of the first, once the
    // shard's next delivery of observations is due (OBSERVE_EVERY_MS after its last one)
    await eventually(async () => {
      const r = await recs('context=product&item=sk-1&limit=3');
      expect(r.body.items[0]).toMatchObject({ item_id: 'sk-2', reason: 'viewed_together' });
    }, 2 * OBSERVE_EVERY_MS / 50);
  });
});
