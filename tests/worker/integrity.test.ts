// Issue 7, the collector's half: hostile strings as keys, all-or-nothing batches, bounded
// numbers and clocks, scoring that can fail without failing ingest, idempotent dropped counts.
import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, MAX_EVENT_AGE_MS } from '../../sdk/schema/limits';
import { LIVE_CLOCK, clockSkew, serverTime } from '../../worker/src/enrich';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import { APPLY_DELAY_MS, OBSERVE_EVERY_MS, type VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, TEST_SITE, makeEvent, post, storedEvents } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const profile = async (visitor: string) => {
  const res = await exports.default.fetch(`${BASE}/v1/visitors/${visitor}/profile?site=${TEST_SITE.key}`, { headers: ADMIN });
  return { status: res.status, body: await res.json<any>() };
};
const models = async () => (await exports.default.fetch(`${BASE}/v1/admin/models?site=${TEST_SITE.key}`, { headers: ADMIN })).json<any>();
const shard = async (visitor: string) => shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, visitor);

describe('strings from the page as keys', () => {
  it('takes categories named constructor, toString and __proto__ like any other', async () => {
    const v = 'visitor-poison-cat';
    const events = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((cat, i) =>
      makeEvent({ visitor_id: v, name: 'view_item', props: { item_id: `sku-${i}`, item_category: cat } }),
    );
    const res = await post({ events });
    expect(res.status).toBe(202);
    expect((await res.json<any>()).accepted).toBe(5);
    const { body } = await profile(v);
    expect(Object.keys(body.category_affinity).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    expect(body.session.features.distinct_categories).toBe(5);
    // the stored profile went through JSON; a second batch must still see safe maps
    const more = await post({ events: [makeEvent({ visitor_id: v, name: 'add_to_cart', props: { item_id: '__proto__', item_category: 'constructor' } })] });
    expect(more.status).toBe(202);
    const after = (await profile(v)).body;
    expect(Object.keys(after.category_affinity)[0]).toBe('constructor'); // a cart add weighs 3 views
    expect(after.cart).toEqual(['__proto__']);
  });

  it('counts engagement on a page whose id is __proto__', async () => {
    const v = 'visitor-poison-page';
    const t = Date.now() - 60_000;
    await post({
      events: [
        makeEvent({ visitor_id: v, page_id: '__proto__', name: 'page_view', ts: t }),
        makeEvent({ visitor_id: v, page_id: '__proto__', name: 'user_engagement', props: { engaged_ms: 20_000 }, ts: t + 25_000 }),
        makeEvent({ visitor_id: v, page_id: 'constructor', name: 'user_engagement', props: { engaged_ms: 5_000 }, ts: t + 30_000 }),
      ],
    });
    const { body } = await profile(v);
    expect(body.session.features.engaged_s).toBe(25);
    expect(body.lifetime.engaged_ms).toBe(25_000);
  });

  it('takes prototype words as item ids, search terms, UTM values, visitor and session ids', async () => {
    const v = '__proto__';
    const res = await post({
      events: [
        makeEvent({ visitor_id: v, session_id: 'constructor', utm: { source: '__proto__', campaign: 'toString' }, name: 'search', props: { search_term: '__proto__' } }),
        makeEvent({ visitor_id: v, session_id: 'constructor', name: 'purchase', props: { transaction_id: 'constructor', value: 10, items: [{ item_id: 'toString', item_category: '__proto__' }] } }),
      ],
    });
    expect(await res.json<any>()).toMatchObject({ accepted: 2, rejected: [] });
    const { body } = await profile(v);
    expect(body.lifetime).toMatchObject({ purchases: 1, revenue: 10, searches: 1 });
    expect((await storedEvents(v)).body.events).toHaveLength(2);
  });
});

describe('visitors are kept apart', () => {
  it('gives a visitor that sends another visitor\'s session id a session of its own', async () => {
    await post({ events: [makeEvent({ visitor_id: 'visitor-owner-1', session_id: 'shared-session-1', name: 'add_to_cart', props: { item_id: 'sku-1' } })] });
    await post({ events: [makeEvent({ visitor_id: 'visitor-intruder', session_id: 'shared-session-1', name: 'begin_checkout' })] });
    const owner = (await profile('visitor-owner-1')).body;
    expect(owner.session.features).toMatchObject({ cart_adds: 1, began_checkout: 0 });
    const intruder = (await profile('visitor-intruder')).body;
    expect(intruder.session.features).toMatchObject({ cart_adds: 0, began_checkout: 1 });
  });
});

describe('ingest and scoring are apart', () => {
  it('answers once the events are stored; the shard scores them in an alarm due within the apply delay', async () => {
    const v = 'visitor-async-apply';
    const stub = await shard(v);
    await runDurableObjectAlarm(stub); // whatever earlier tests left
    const before = Date.now();
    await post({ events: [makeEvent({ visitor_id: v }), makeEvent({ visitor_id: v, name: 'view_item', props: { item_id: 'sku-1' } })] });
    const alarm = await runInDurableObject(stub, (_s: VisitorShard, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(Date.now() + APPLY_DELAY_MS);
    expect(alarm!).toBeGreaterThanOrEqual(before);
    expect(APPLY_DELAY_MS).toBeLessThanOrEqual(1_000); // the intent score is fresh within about a second
    await runDurableObjectAlarm(stub);
    const pending = await runInDurableObject(stub, (s: VisitorShard) => s.status().pending);
    expect(pending).toBe(0);
    const { body } = await profile(v);
    expect(body.lifetime).toMatchObject({ page_views: 1, product_views: 1 });
  });

  it('delivers recommender observations at most every OBSERVE_EVERY_MS per shard, in one delivery, after the apply', async () => {
    const v = 'visitor-observe-cadence';
    const stub = await shard(v);
    let ts = Date.now() - 60_000;
    let seq = 0;
    const visit = (items: string[]) => items.flatMap((item) => [
      makeEvent({ visitor_id: v, session_id: 'observe-session', name: 'view_item', props: { item_id: item }, ts: (ts += 1_000), seq: seq++, page_id: `observe-page-${seq}` }),
      makeEvent({ visitor_id: v, session_id: 'observe-session', name: 'user_engagement', props: { engaged_ms: 20_000 }, ts: (ts += 1_000), seq: seq++, page_id: `observe-page-${seq - 1}` }),
    ]);
    const status = () => runInDurableObject(stub, (s: VisitorShard) => s.status());
    const settle = async () => { for (let n = 0; n < 5 && (await runDurableObjectAlarm(stub)); n++); };
    await post({ events: visit(['obs-1', 'obs-2']) });
    await settle(); // applied and delivered: the delivery clock starts now
    expect(await status()).toMatchObject({ pending: 0, outbox: 0 });
    await post({ events: visit(['obs-3', 'obs-4']) });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // scored at once, the observations wait for the next delivery, due within OBSERVE_EVERY_MS
    expect(await status()).toMatchObject({ pending: 0, outbox: 1 });
    expect((await profile(v)).body.lifetime.product_views).toBe(4);
    const due = await runInDurableObject(stub, (_s: VisitorShard, state) => state.storage.getAlarm());
    expect(due).not.toBeNull();
    expect(due!).toBeLessThanOrEqual(Date.now() + OBSERVE_EVERY_MS);
    await post({ events: visit(['obs-5']) });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await status()).toMatchObject({ pending: 0, outbox: 2 });
    // an alarm with nothing to apply was set for the delivery: both applies' observations go in one
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await status()).toMatchObject({ outbox: 0 });
  });

  it('a profile read applies what is pending first, and nothing is applied twice', async () => {
    const v = 'visitor-read-fresh';
    const events = [makeEvent({ visitor_id: v }), makeEvent({ visitor_id: v })];
    await post({ events });
    expect((await profile(v)).body.lifetime.page_views).toBe(2); // before any alarm ran
    await runDurableObjectAlarm(await shard(v));
    await post({ events }); // resent: duplicates
    await runDurableObjectAlarm(await shard(v));
    const { body } = await profile(v);
    expect(body.lifetime.page_views).toBe(2);
    expect((await storedEvents(v)).body.summary.events).toBe(2);
  });

  it('quarantines events whose scoring throws; ingest answers 202 and the visitor\'s later events are scored', async () => {
    const v = 'visitor-bad-state';
    await post({ events: [makeEvent({ visitor_id: v })] });
    expect((await profile(v)).body.lifetime.page_views).toBe(1);
    const stub = await shard(v);
    // a bug in scoring: here, a session state that no longer parses
    await runInDurableObject(stub, (_s: VisitorShard, state) => {
      state.storage.sql.exec("UPDATE sessions SET state = '{broken' WHERE visitor_id = ?", v);
    });
    const bad = makeEvent({ visitor_id: v, name: 'view_item', props: { item_id: 'sku-q' } });
    const other = makeEvent({ visitor_id: 'visitor-bystander', name: 'view_item', props: { item_id: 'sku-q' } });
    const res = await post({ events: [bad, other] });
    expect(res.status).toBe(202);
    expect((await res.json<any>()).accepted).toBe(2);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(await shard('visitor-bystander'));
    const status = await models();
    expect(status.ingest.quarantined).toBe(1);
    expect(status.ingest.pending).toBe(0);
    expect((await profile('visitor-bystander')).body.lifetime.product_views).toBe(1);
    // the event stays stored and readable
    expect((await storedEvents(v)).body.events.map((e: any) => e.event_id)).toContain(bad.event_id);
    // a new session of the same visitor is scored again
    await post({ events: [makeEvent({ visitor_id: v, session_id: 'session-fresh-01', name: 'view_item', props: { item_id: 'sku-r' } })] });
    expect((await profile(v)).body.lifetime.product_views).toBe(1);
  });
});

describe('batches are all or nothing', () => {
  it('answers 503 when a shard cannot store; the resend completes the batch, nothing counted twice', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    // two visitors on two different shards
    const a = 'visitor-aon-a';
    let b = 'visitor-aon-b0';
    for (let i = 1; shardOf(env, site, b).id.toString() === shardOf(env, site, a).id.toString(); i++) b = `visitor-aon-b${i}`;
    const batch = { events: [makeEvent({ visitor_id: a }), makeEvent({ visitor_id: b }), makeEvent({ visitor_id: a, name: 'search', props: { search_term: 'x' } })] };
    const broken = shardOf(env, site, b);
    await runInDurableObject(broken, (_s: VisitorShard, state) => state.storage.sql.exec('ALTER TABLE events RENAME TO events_away'));
    const failed = await post(batch);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect((await failed.json<any>()).error).toMatch(/send the batch again/);
    await runInDurableObject(broken, (_s: VisitorShard, state) => state.storage.sql.exec('ALTER TABLE events_away RENAME TO events'));
    const retried = await post(batch);
    expect(retried.status).toBe(202);
    expect(await retried.json<any>()).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    expect((await profile(a)).body.lifetime).toMatchObject({ page_views: 1, searches: 1 });
    const pb = await profile(b);
    expect(pb.body, JSON.stringify(pb)).toHaveProperty('lifetime');
    expect(pb.body.lifetime).toMatchObject({ page_views: 1 });
    expect((await storedEvents(a)).body.events).toHaveLength(2);
  });
});

describe('dropped counts', () => {
  it('counts a batch\'s dropped report once however often the batch is resent', async () => {
    const v = 'visitor-dropped-once';
    const batch = { events: [makeEvent({ visitor_id: v }), makeEvent({ visitor_id: v })], dropped: 7 };
    await post(batch);
    await post(batch);
    await post(batch);
    expect((await storedEvents(v)).body.summary.dropped).toBe(7);
    await post({ events: [makeEvent({ visitor_id: v })], dropped: 3 });
    expect((await storedEvents(v)).body.summary.dropped).toBe(10);
  });
});

describe('numbers have bounds', () => {
  const reasonFor = async (props: Record<string, unknown>, name: any = 'purchase') => {
    const res = await post({ events: [makeEvent({ visitor_id: 'visitor-bounds', name, props: props as any })] });
    expect(res.status).toBe(202);
    return (await res.json<any>()).rejected[0]?.reason;
  };

  it('rejects negative, huge and non-finite money and out-of-range engagement', async () => {
    expect(await reasonFor({ transaction_id: 't1', value: -1e300 })).toBe('props.value: must be ≥ 0');
    expect(await reasonFor({ transaction_id: 't1', value: -1 })).toBe('props.value: must be ≥ 0');
    expect(await reasonFor({ transaction_id: 't1', value: 1e10 })).toBe('props.value: must be ≤ 1000000000');
    expect(await reasonFor({ item_id: 'a', price: 2e9 }, 'view_item')).toBe('props.price: must be ≤ 1000000000');
    expect(await reasonFor({ transaction_id: 't1', value: 5, items: [{ item_id: 'a', price: -3 }] })).toBe('props.items.0.price: must be ≥ 0');
    expect(await reasonFor({ engaged_ms: 86_400_001 }, 'user_engagement')).toMatch(/^props.engaged_ms: must be ≤ 86400000/);
    expect(await reasonFor({ engaged_ms: 1000, scroll_depth: 101 }, 'user_engagement')).toMatch(/^props.scroll_depth: must be ≤ 100/);
    expect(await reasonFor({ transaction_id: 't1', value: 10, quantity: 0 })).toMatch(/^props.quantity: must be ≥ 1/);
    expect(await reasonFor({ transaction_id: 't1', value: 9.99 })).toBeUndefined();
    // NaN and Infinity do not survive JSON; a string where a number belongs is refused
    expect(await reasonFor({ transaction_id: 't1', value: '1e400' })).toMatch(/props.value/);
    expect(await reasonFor({ custom_score: 1e300 }, 'click')).toMatch(/custom_score/);
  });

  it('never counts more engaged time than the page was open', async () => {
    const v = 'visitor-long-engaged';
    const t = Date.now() - 60_000;
    await post({
      events: [
        makeEvent({ visitor_id: v, page_id: 'page-long-1', name: 'page_view', ts: t }),
        makeEvent({ visitor_id: v, page_id: 'page-long-1', name: 'user_engagement', props: { engaged_ms: 10 * 3_600_000 }, ts: t + 60_000 }),
      ],
    });
    const { body } = await profile(v);
    expect(body.lifetime.engaged_ms).toBe(60_000 + 30_000); // open for a minute, plus one idle window of slack
  });
});

describe('client clocks', () => {
  const day = 86_400_000;

  it('bounds the skew correction: a wild sent_at moves events by at most a day', async () => {
    const v = 'visitor-clock-wild';
    const now = Date.now();
    await post({ events: [makeEvent({ visitor_id: v, ts: now - 5_000 })], sent_at: 1e15 });
    const [e] = (await storedEvents(v)).body.events;
    expect(e.ts).toBeGreaterThanOrEqual(now - 5_000 - MAX_CLOCK_SKEW_MS - 1_000);
    expect(e.ts).toBeLessThanOrEqual(e.received_at);
    expect(Number.isFinite(e.ts)).toBe(true);
  });

  it('refuses sent_at that is not a finite time', async () => {
    for (const sent_at of [1e300, -5, '2020-01-01']) {
      const res = await post({ events: [makeEvent()], sent_at });
      expect(res.status).toBe(400);
      expect((await res.json<any>()).error).toMatch(/^sent_at: /);
    }
  });

  it('clamps a clock a year ahead to the receive time instead of moving events a year back', async () => {
    const v = 'visitor-clock-ahead';
    const ahead = Date.now() + 365 * day;
    await post({ events: [makeEvent({ visitor_id: v, ts: ahead - 2_000 })], sent_at: ahead });
    const [e] = (await storedEvents(v)).body.events;
    expect(e.client_ts).toBe(ahead - 2_000);
    expect(e.ts).toBe(e.received_at);
  });

  it('rejects events older than the limit with a message each, keeps a week-old offline queue', async () => {
    const v = 'visitor-clock-old';
    const now = Date.now();
    const res = await post({
      events: [
        makeEvent({ visitor_id: v, ts: 0 }),
        makeEvent({ visitor_id: v, ts: now - 31 * day }),
        makeEvent({ visitor_id: v, ts: now - 8 * day }),
        makeEvent({ visitor_id: v, ts: now + day }),
      ],
      sent_at: now,
    });
    const body = await res.json<any>();
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: any) => r.index)).toEqual([0, 1]);
    expect(body.rejected[0].reason).toBe('ts: the event is more than 30 days old (after clock correction), too old to accept');
    const stored = (await storedEvents(v)).body.events;
    expect(stored.map((e: any) => e.ts <= e.received_at)).toEqual([true, true]);
  });

  it('lets a caller such as an import route pass a wider window', () => {
    const now = Date.now();
    expect(serverTime(now - 40 * day, 0, now)).toHaveProperty('error');
    const wide = { maxAgeMs: 400 * day, maxSkewMs: LIVE_CLOCK.maxSkewMs };
    expect(serverTime(now - 40 * day, 0, now, wide)).toEqual({ ts: now - 40 * day });
    expect(clockSkew(now + 10 * day, now)).toBe(-MAX_CLOCK_SKEW_MS);
    expect(clockSkew(undefined, now)).toBe(0);
    expect(MAX_EVENT_AGE_MS).toBe(30 * day);
  });
});
