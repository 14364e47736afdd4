// npm run bench:shard-insert   (SHARD_INSERT_BATCHES=N: batches per run, default 3,000)
// What storing a 10-event batch costs in a shard, in workerd's SQLite: the shard's own `ingest`
// (its INSERT, the take-over triggers, the day ranges), against the same shard with an extra
// index by time on events (the layout before the twelfth session), and with no index at all
// but the row id (a floor). The load is bench:sqlite-layout's (bench/shard-batches.ts).
// Storing runs 100 batches per call into the object (so a call's commit is shared: the figure
// is SQLite's and the shard's own work, not the disk's). Each layout runs three times,
// alternating; the figure is the best, in µs per batch.
import { env, runInDurableObject } from 'cloudflare:test';
import { it } from 'vitest';
import { shardByIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from '../../tests/worker/helpers';
import { shardBatches } from '../shard-batches';

const BATCHES = Number((env as unknown as Record<string, string>).SHARD_INSERT_BATCHES || 3_000);
if (!Number.isInteger(BATCHES) || BATCHES < 1) throw new Error(`SHARD_INSERT_BATCHES: a whole number of batches; got ${BATCHES}`);
const LAYOUTS: [label: string, sql: string][] = [
  ['as the shard stores them (no index by time; day ranges)', ''],
  ['the same with an index by time on events besides (the layout before kept one, without day ranges)', 'CREATE INDEX events_by_ts_before ON events (ts)'],
  ['without the visitor, page-view and time indexes and the take-over triggers (a floor)', 'DROP TRIGGER events_report_turned_away; DROP TRIGGER events_report_takes_over; DROP INDEX events_page_engagement; DROP INDEX events_by_visitor'],
];

it('stores batches', async () => {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const load = shardBatches(BATCHES, Date.now() - 3_600_000);
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
          for (const rows of load.slice(c, c + 100)) s.store(TEST_SITE.key, rows);
          await state.storage.deleteAlarm(); // no apply runs in between: storing alone is timed
        });
      }
      best[i] = Math.min(best[i], ((Date.now() - start) / load.length) * 1_000);
    }
  }
  console.log(`workerd's SQLite: storing ${BATCHES.toLocaleString('en')} batches of 10 events, µs per batch (best of 3)`);
  for (const [i, [label]] of LAYOUTS.entries()) console.log(`  ${best[i].toFixed(1).padStart(7)}  ${label}`);
  const [asStored, withTimeIndex, floor] = best.map((x) => +x.toFixed(1));
  console.log(JSON.stringify({ bench: 'shard-insert', batches: BATCHES, us_per_batch: asStored, us_per_batch_with_time_index: withTimeIndex, us_per_batch_floor: floor }));
});
