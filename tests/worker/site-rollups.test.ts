// The overview's rollups, summed per visitor in memory and written at the flush
// (reports/site-rollups.ts): the same counts as counting event by event, visitors once per
// day and hour, and the visitors of hours too old to be shown forgotten.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SiteRollupBatch, siteDayRows, siteHourRows, topItemRows, type AppliedEvent } from '../../worker/src/reports/site-rollups';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T10:15:00Z');
const event = (over: Partial<AppliedEvent>): AppliedEvent => ({
  visitorId: 'v1', ts: T0, name: 'page_view', props: {}, bot: false, sessionStarted: false, engagedDelta: 0, firstPurchase: false, ...over,
});

/** A fresh shard's database. */
async function inShard<T>(fn: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(env.SHARDS.get(env.SHARDS.newUniqueId()), (_shard, state) => fn(state.storage.sql));
}

describe('site rollups, summed per visitor', () => {
  it('counts sessions, engaged time, orders, revenue and items as events would one by one', async () => {
    const { days, hours, items } = await inShard((sql) => {
      const batch = new SiteRollupBatch(T0 + HOUR);
      batch.add(event({ sessionStarted: true }));
      batch.add(event({ name: 'view_item', props: { item_id: 'sku-1', price: 12.5 }, engagedDelta: 4000.4 }));
      batch.add(event({ name: 'purchase', ts: T0 + HOUR, firstPurchase: true, props: { value: 25.1, items: [{ item_id: 'sku-1', price: 12.55, quantity: 2 }] } }));
      batch.add(event({ name: 'purchase', ts: T0 + HOUR, props: { value: 3, items: [{ item_id: 'sku-2', price: 3 }] } }));
      batch.add(event({ visitorId: 'v1', bot: true, sessionStarted: true, ts: T0 + HOUR }));
      batch.flush(sql);
      return { days: siteDayRows(sql, '2026-11-20', '2026-11-20'), hours: siteHourRows(sql, '2026-11-20', '2026-11-20'), items: topItemRows(sql, '2026-11-20', '2026-11-20') };
    });
    expect(days).toEqual([{ day: '2026-11-20', visitors: 1, sessions: 1, engaged_ms: 4000, orders: 2, revenue: 2810, converting_sessions: 1, bot_sessions: 1, bot_events: 1 }]);
    expect(hours.map((h) => [h.hour, h.visitors, h.sessions, h.orders, h.bot_events])).toEqual([['2026-11-20T10', 1, 1, 0, 0], ['2026-11-20T11', 1, 0, 2, 1]]);
    expect(items).toEqual([{ item_id: 'sku-1', views: 1, purchases: 1, revenue: 2510 }, { item_id: 'sku-2', views: 0, purchases: 1, revenue: 300 }]);
  });

  it('counts an item listed twice in one event once, and an order sent again not at all', async () => {
    const { days, items } = await inShard((sql) => {
      const batch = new SiteRollupBatch(T0 + HOUR);
      const sku = (item_id: string, price?: number, quantity?: number) => ({ item_id, price, quantity });
      batch.add(event({ name: 'view_item', props: { items: Array.from({ length: 52 }, () => sku('sku-1')) } }));
      batch.add(event({ name: 'purchase', firstPurchase: true, props: { value: 40, transaction_id: 't1', items: [sku('sku-1', 10, 3), sku('sku-1', 10)] } }));
      batch.add(event({ name: 'purchase', repeatOrder: true, props: { value: 40, transaction_id: 't1', items: [sku('sku-1', 10, 3), sku('sku-1', 10)] } }));
      batch.flush(sql);
      return { days: siteDayRows(sql, '2026-11-20', '2026-11-20'), items: topItemRows(sql, '2026-11-20', '2026-11-20') };
    });
    expect([days[0].orders, days[0].revenue, days[0].converting_sessions]).toEqual([1, 4000, 1]);
    expect(items).toEqual([{ item_id: 'sku-1', views: 1, purchases: 1, revenue: 4000 }]);
  });

  it('counts a visitor once per day and hour across flushes, and another visitor apart', async () => {
    const days = await inShard((sql) => {
      for (const [visitorId, ts] of [['v1', T0], ['v1', T0 + 60_000], ['v2', T0], ['v1', T0 + 24 * HOUR]] as const) {
        const batch = new SiteRollupBatch(T0 + 25 * HOUR);
        batch.add(event({ visitorId, ts }));
        batch.flush(sql);
      }
      return { days: siteDayRows(sql, '2026-11-20', '2026-11-21'), hours: siteHourRows(sql, '2026-11-20', '2026-11-21') };
    });
    expect(days.days.map((d) => [d.day, d.visitors])).toEqual([['2026-11-20', 2], ['2026-11-21', 1]]);
    expect(days.hours.map((h) => [h.hour, h.visitors])).toEqual([['2026-11-20T10', 2], ['2026-11-21T10', 1]]);
  });

  it('gives the same rollups when visitors\' batches are absorbed into one run and written once', async () => {
    const seen = [['v1', T0], ['v2', T0 + 60_000], ['v1', T0 + 24 * HOUR], ['v3', T0 + HOUR]] as const;
    const each = (visitorId: string, ts: number) => [
      event({ visitorId, ts, sessionStarted: true }),
      event({ visitorId, ts, name: 'view_item', props: { item_id: 'sku-1' }, engagedDelta: 1_000 }),
      event({ visitorId, ts: ts + 1_000, name: 'purchase', firstPurchase: true, props: { value: 10, items: [{ item_id: 'sku-1', price: 10 }] } }),
    ];
    const read = (sql: SqlStorage) => ({ days: siteDayRows(sql, '2026-11-20', '2026-11-21'), hours: siteHourRows(sql, '2026-11-20', '2026-11-21'), items: topItemRows(sql, '2026-11-20', '2026-11-21') });
    const apart = await inShard((sql) => {
      for (const [visitorId, ts] of seen) {
        const batch = new SiteRollupBatch(T0 + 25 * HOUR);
        for (const e of each(visitorId, ts)) batch.add(e);
        batch.flush(sql);
      }
      return read(sql);
    });
    const together = await inShard((sql) => {
      const run = new SiteRollupBatch(T0 + 25 * HOUR);
      for (const [visitorId, ts] of seen) {
        const mine = new SiteRollupBatch(T0 + 25 * HOUR);
        for (const e of each(visitorId, ts)) mine.add(e);
        run.absorb(mine);
      }
      run.flush(sql);
      return read(sql);
    });
    expect(together).toEqual(apart);
    expect(together.days.map((d) => [d.day, d.visitors, d.sessions, d.orders])).toEqual([['2026-11-20', 3, 3, 3], ['2026-11-21', 1, 1, 1]]);
  });

  it('forgets the visitors of hours too old to be shown when a new hour begins', async () => {
    const left = await inShard((sql) => {
      const first = new SiteRollupBatch(T0);
      first.add(event({ ts: T0 }));
      first.flush(sql);
      const before = sql.exec<{ n: number }>('SELECT count(*) AS n FROM visitor_hours').one().n;
      const later = T0 + 3 * 24 * HOUR;
      const next = new SiteRollupBatch(later);
      next.add(event({ visitorId: 'v2', ts: later }));
      next.flush(sql);
      return { before, after: sql.exec<{ hour: string }>('SELECT hour FROM visitor_hours').toArray().map((r) => r.hour) };
    });
    expect(left.before).toBe(1);
    expect(left.after).toEqual(['2026-11-23T10']);
  });
});
