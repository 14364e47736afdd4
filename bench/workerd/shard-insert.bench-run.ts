// npm run bench:shard-insert [-- BATCHES]   (SHARD_INSERT_BATCHES, default 3,000)
// What storing a 10-event batch costs in a shard, in workerd's SQLite: the shard's own `ingest`
// (its INSERT, the take-over triggers, the day ranges), against the same shard with an extra
// index by time on events (the layout before the twelfth session), and with no index at all
// but the row id (a floor). The load is bench:sqlite-layout's: 1,600 visitors, 41 % of the
// events engagement reports. Storing runs 100 batches per call into the object (so a call's
// commit is shared: the figure is SQLite's and the shard's own work, not the disk's). Each layout
// runs three times, alternating; the figure is the best, in µs per batch.
import { env, runInDurableObject } from 'cloudflare:test';
import { it } from 'vitest';
import { seededRandom } from '../../worker/src/ml/random';
import { shardByIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { EventRow, VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from '../../tests/worker/helpers';

const BATCHES = Number(process.env.SHARD_INSERT_BATCHES ?? 3_000);
const rid = (r: () => number) => Array.from({ length: 4 }, () => Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0')).join('');

/** 10-event batches of 1,600 visitors: page views, product views, and engagement reports of their recent pages. */
function batches(count: number): EventRow[][] {
  const r = seededRandom(1);
  const visitors = Array.from({ length: 1_600 }, () => ({ id: rid(r), session: rid(r), seq: 0, pages: [] as string[], engaged: new Map<string, number>() }));
  const start = Date.now() - 3_600_000;
  return Array.from({ length: count }, () => {
    const v = visitors[Math.floor(r() * visitors.length)];
    return Array.from({ length: 10 }, (): EventRow => {
      v.seq++;
      const t = start + v.seq * 1_000;
      const u = r();
      let page: string | null, name: string, props: object;
      if (v.pages.length && u < 0.41) {
        page = v.pages.slice(-3)[Math.floor(r() * Math.min(3, v.pages.length))];
        v.engaged.set(page, (v.engaged.get(page) ?? 0) + 1_000 + Math.floor(r() * 14_000));
        [name, props] = ['user_engagement', { engaged_ms: v.engaged.get(page), scroll_depth: 50 }];
      } else if (u < 0.6) {
        page = rid(r);
        v.pages.push(page);
        [name, props] = ['page_view', {}];
      } else {
        page = v.pages.at(-1) ?? null;
        [name, props] = ['product_view', { item_id: `sku-${Math.floor(r() * 500)}`, price: 19.99, category: 'shoes' }];
      }
      return {
        event_id: rid(r), visitor_id: v.id, session_id: v.session, page_id: page, seq: v.seq, name, client_ts: t, ts: t, received_at: t,
        url: `https://shop.example/products/some-product-${Math.floor(r() * 500)}?utm_source=x`, referrer: 'https://shop.example/',
        title: 'Some product title — Shop', utm: null, props: JSON.stringify(props), device: 'desktop', bot: 0,
      };
    });
  });
}

const LAYOUTS: [label: string, sql: string][] = [
  ['as the shard stores them (no index by time; day ranges)', ''],
  ['the same with an index by time on events besides (the layout before kept one, without day ranges)', 'CREATE INDEX events_by_ts_before ON events (ts)'],
  ['without the visitor, page-view and time indexes and the take-over triggers (a floor)', 'DROP TRIGGER events_report_turned_away; DROP TRIGGER events_report_takes_over; DROP INDEX events_page_engagement; DROP INDEX events_by_visitor'],
];

it('stores batches', async () => {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const load = batches(BATCHES);
  const best = LAYOUTS.map(() => Infinity);
  let shard = 1_000;
  for (let round = 0; round < 3; round++) {
    for (const [i, [, extra]] of LAYOUTS.entries()) {
      const stub = shardByIndex(env, site, shard++);
      if (extra) await runInDurableObject(stub, (_s: VisitorShard, state) => void state.storage.sql.exec(extra));
      // workerd's clock stands still while code runs: it is read between calls
      const start = Date.now();
      for (let c = 0; c < load.length; c += 100) {
        await runInDurableObject(stub, async (s: VisitorShard, state) => {
          for (const rows of load.slice(c, c + 100)) s.ingest(TEST_SITE.key, rows);
          await state.storage.deleteAlarm(); // no apply runs in between: storing alone is timed
        });
      }
      best[i] = Math.min(best[i], ((Date.now() - start) / load.length) * 1_000);
    }
  }
  console.log(`workerd's SQLite: storing ${BATCHES.toLocaleString('en')} batches of 10 events, µs per batch (best of 3)`);
  for (const [i, [label]] of LAYOUTS.entries()) console.log(`  ${best[i].toFixed(1).padStart(7)}  ${label}`);
});
