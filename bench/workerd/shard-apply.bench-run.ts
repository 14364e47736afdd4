// npm run bench:shard-apply   (SHARD_APPLY_BATCHES=N: batches per run, default 3,360)
// What applying stored batches costs a shard, in workerd, by how often the apply runs. The load
// is bench:load's own, as one of its 16 shards sees it: 13 of its visitors at a time
// (bench/load-visitor.ts), in turn, each replaced after its 30 batches, and each batch made into
// rows by the collect route's own `prepareBatch`. At bench:load's ingest rate a shard stores about
// 28 batches in 0.5 s, 56 in 1 s and 112 in 2 s, so an apply every 28, 56 or 112 batches is the
// alarm's delay at 0.5, 1 and 2 s. Storing and applying are timed apart (storing runs each block
// of batches in one call, so its commit is shared); each delay runs three times, alternating, on
// a fresh shard. Deliveries to the recommender keep the shard's own rule (at most one every 2 s,
// whatever the delay), so a run holds one or two. Prints µs per batch of each run, and a JSON
// line with the best run of each delay.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { it } from 'vitest';
import { prepareBatch } from '../../worker/src/batch';
import { shardByIndex } from '../../worker/src/shards';
import { findSite, type Site } from '../../worker/src/sites';
import type { EventRow, VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE } from '../../tests/worker/helpers';
import { BATCHES_PER_VISITOR, random, USER_AGENT, Visitor } from '../load-visitor';

const BATCHES = Number((env as unknown as Record<string, string>).SHARD_APPLY_BATCHES || 3_360);
if (!Number.isInteger(BATCHES) || BATCHES < 1) throw new Error(`SHARD_APPLY_BATCHES: a whole number of batches; got ${BATCHES}`);
const EVERY: [batches: number, delay: string][] = [[28, '0.5 s'], [56, '1 s'], [112, '2 s']];
/** Visitors of one shard at a time: bench:load's 200 clients over 16 shards. */
const VISITORS = 13;
/** bench:load's ingest rate over 16 shards: a batch reaches a shard about every 20 ms. */
const BATCH_EVERY_MS = 20;

/** `count` batches as the collect route hands them to a shard, the same for the same count. */
function benchLoadBatches(site: Site, count: number, start: number): EventRow[][] {
  const rnd = random(7);
  let made = 0;
  const fresh = (slot: number) => new Visitor('apply', slot, ++made, rnd);
  const visitors = Array.from({ length: VISITORS }, (_, slot) => fresh(slot));
  const out: EventRow[][] = [];
  for (let b = 0; b < count; b++) {
    const slot = b % VISITORS;
    if (visitors[slot].batches >= BATCHES_PER_VISITOR) visitors[slot] = fresh(slot);
    const now = start + b * BATCH_EVERY_MS;
    const prepared = prepareBatch(site, visitors[slot].batch(now), { userAgent: USER_AGENT, receivedAt: now });
    if ('error' in prepared) throw new Error(`bench:load's batch was refused: ${prepared.error}`);
    out.push([...prepared.shards.values()].flat());
  }
  return out;
}

it('applies batches', async () => {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const load = benchLoadBatches(site, BATCHES, Date.now() - 3_600_000);
  const runs = new Map<number, { store: number; apply: number }[]>();
  let shard = 3_000;
  for (let round = 0; round < 3; round++) {
    for (const [every] of EVERY) {
      const stub = shardByIndex(env, site, shard++);
      let store = 0, apply = 0;
      // workerd's clock stands still while code runs: it is read between calls
      for (let c = 0; c < load.length; c += every) {
        let t = Date.now();
        await runInDurableObject(stub, (s: VisitorShard) => {
          for (const rows of load.slice(c, c + every)) s.store(TEST_SITE.key, rows);
        });
        store += Date.now() - t;
        t = Date.now();
        await runDurableObjectAlarm(stub);
        apply += Date.now() - t;
      }
      const list = runs.get(every) ?? [];
      list.push({ store: (store / load.length) * 1_000, apply: (apply / load.length) * 1_000 });
      runs.set(every, list);
    }
  }
  const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
  const events = load.reduce((n, rows) => n + rows.length, 0);
  console.log(`workerd's SQLite: ${BATCHES.toLocaleString('en')} of bench:load's batches as a shard receives them (${events.toLocaleString('en')} rows), µs per batch (3 runs)`);
  for (const [every, delay] of EVERY) {
    const list = runs.get(every)!;
    console.log(`  apply every ${every} batches (an alarm ${delay} after the first): storing ${show(list.map((r) => r.store))}, applying ${show(list.map((r) => r.apply))} µs`);
  }
  // the best of the three runs of each delay, µs a batch
  const best = (every: number, key: 'store' | 'apply') => +Math.min(...runs.get(every)!.map((r) => r[key])).toFixed(1);
  const figures = EVERY.flatMap(([every, delay]) => {
    const at = delay.replace(' ', '');
    return [[`apply_us_per_batch_${at}`, best(every, 'apply')], [`store_us_per_batch_${at}`, best(every, 'store')]];
  });
  console.log(JSON.stringify({ bench: 'shard-apply', batches: BATCHES, rows: events, ...Object.fromEntries(figures) }));
});
