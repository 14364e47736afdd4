// npm run bench:shard-apply   (SHARD_APPLY_BATCHES=N: batches per run, default 3,360)
// What applying stored batches costs a shard, in workerd, by how often the apply runs. The load
// is bench:load's as one of its 16 shards sees it (bench/shard-batches.ts, `asBenchLoad`): 13
// visitors at a time, in turn. At bench:load's ingest rate a shard stores about 28 batches in
// 0.5 s, 56 in 1 s and 112 in 2 s, so an apply every 28, 56 or 112 batches is the alarm's delay
// at 0.5, 1 and 2 s. Storing and applying are timed apart (storing runs each block of batches in
// one call, so its commit is shared); each delay runs three times, alternating, on a fresh shard.
// Prints µs per batch of each run, and what an alarm that finds nothing to apply costs (the call
// into the object included).
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { it } from 'vitest';
import { shardByIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from '../../tests/worker/helpers';
import { shardBatches } from '../shard-batches';

const BATCHES = Number((env as unknown as Record<string, string>).SHARD_APPLY_BATCHES || 3_360);
const EVERY: [batches: number, delay: string][] = [[28, '0.5 s'], [56, '1 s'], [112, '2 s']];

it('applies batches', async () => {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const load = shardBatches(BATCHES, Date.now() - 3_600_000, { asBenchLoad: true });
  const runs = new Map<number, { store: number; apply: number; idle: number }[]>();
  let shard = 3_000;
  for (let round = 0; round < 3; round++) {
    for (const [every] of EVERY) {
      const stub = shardByIndex(env, site, shard++);
      let store = 0, apply = 0, idle = 0;
      // workerd's clock stands still while code runs: it is read between calls
      for (let c = 0; c < load.length; c += every) {
        let t = Date.now();
        await runInDurableObject(stub, (s: VisitorShard) => {
          for (const rows of load.slice(c, c + every)) s.ingest(TEST_SITE.key, rows);
        });
        store += Date.now() - t;
        t = Date.now();
        await runDurableObjectAlarm(stub);
        apply += Date.now() - t;
        t = Date.now();
        await runInDurableObject(stub, (s: VisitorShard) => s.alarm()); // nothing left to apply
        idle += Date.now() - t;
      }
      const list = runs.get(every) ?? [];
      list.push({ store: (store / load.length) * 1_000, apply: (apply / load.length) * 1_000, idle: (idle / (load.length / every)) * 1_000 });
      runs.set(every, list);
    }
  }
  const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
  console.log(`workerd's SQLite: ${BATCHES.toLocaleString('en')} batches of 10 events as bench:load sends them to a shard, µs per batch (3 runs)`);
  for (const [every, delay] of EVERY) {
    const list = runs.get(every)!;
    console.log(`  apply every ${every} batches (an alarm ${delay} after the first): storing ${show(list.map((r) => r.store))}, applying ${show(list.map((r) => r.apply))}; an alarm with nothing to apply ${show(list.map((r) => r.idle))} µs`);
  }
  // the best of the three runs of each delay, µs a batch
  const best = (every: number, key: 'store' | 'apply') => +Math.min(...runs.get(every)!.map((r) => r[key])).toFixed(1);
  console.log(JSON.stringify({ bench: 'shard-apply', batches: BATCHES, ...Object.fromEntries(EVERY.flatMap(([every, delay]) => [[`apply_us_per_batch_${delay.replace(' ', '')}`, best(every, 'apply')], [`store_us_per_batch_${delay.replace(' ', '')}`, best(every, 'store')]])) }));
});
