// The storage benchmarks' load, shaped like bench:load's: 10-event batches of 1,600 visitors (page
// views, product views, and engagement reports of their recent pages: 41 % of the events), as
// the collect route hands them to a shard. Used by bench:sqlite-layout (node's SQLite) and
// bench:shard-insert (workerd's), so both store the same rows. Storing cares only about the rows'
// sizes and the engagement reports; its product views are not `view_item`, so scoring would not
// count them: bench:shard-apply stores bench:load's own visitors (bench/load-visitor.ts) instead.
import { seededRandom } from '../worker/src/ml/random';
import type { EventRow } from '../worker/src/visitor-shard';

/** A random 32-hex-digit id. */
export const randomId = (r: () => number) => Array.from({ length: 4 }, () => Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0')).join('');

/**
 * `count` batches, the same for the same count. Times run with arrival, as live traffic sends
 * them (an event is sent within seconds of its time): batch b's events at `start` + 100 ms × b.
 */
export function shardBatches(count: number, start = 1_700_000_000_000): EventRow[][] {
  const r = seededRandom(1);
  const visitors = Array.from({ length: 1_600 }, () => ({ id: randomId(r), session: randomId(r), seq: 0, pages: [] as string[], engaged: new Map<string, number>() }));
  const out: EventRow[][] = [];
  for (let b = 0; b < count; b++) {
    const v = visitors[Math.floor(r() * visitors.length)];
    const rows: EventRow[] = [];
    for (let e = 0; e < 10; e++) {
      v.seq++;
      const t = start + b * 100 + e;
      const u = r();
      let page: string | null, name: string, props: object;
      if (v.pages.length && u < 0.41) {
        page = v.pages.slice(-3)[Math.floor(r() * Math.min(3, v.pages.length))];
        v.engaged.set(page, (v.engaged.get(page) ?? 0) + 1_000 + Math.floor(r() * 14_000));
        [name, props] = ['user_engagement', { engaged_ms: v.engaged.get(page), scroll_depth: 50 }];
      } else if (u < 0.6) {
        page = randomId(r);
        v.pages.push(page);
        [name, props] = ['page_view', {}];
      } else {
        page = v.pages.at(-1) ?? null;
        [name, props] = ['product_view', { item_id: `sku-${Math.floor(r() * 500)}`, price: 19.99, category: 'shoes', name: 'A product name that is long' }];
      }
      const url = `https://shop.example/products/some-product-${Math.floor(r() * 500)}?utm_source=x`;
      rows.push({
        event_id: randomId(r), visitor_id: v.id, session_id: v.session, page_id: page, seq: v.seq, name, client_ts: t, ts: t, received_at: t,
        url, referrer: 'https://shop.example/', title: 'Some product title — Shop', utm: null, props: JSON.stringify(props), device: 'desktop', bot: 0,
      });
    }
    out.push(rows);
  }
  return out;
}
