// npm run bench:collect-route   (COLLECT_ROUTE_BATCHES=N: batches per round, default 2,000;
//                                COLLECT_ROUTE_IN_FLIGHT=K: requests in flight, default 1)
// What a POST /v1/collect costs the worker's thread, against GET /v1/health, inside workerd and
// without HTTP: the worker's own fetch handler is called in process, so the figures are Linger's
// code (routing, validation, the call into the shard, storing, its commit) and not wrangler's
// proxy or the sockets, which bench:load adds to both routes alike. The batches are bench:load's
// own (bench/load-visitor.ts), 13 visitors at a time, sent one after the other (or K at a time:
// a lone batch waits for its shard's next tick to be stored, idle time that one request in
// flight counts and several overlap, as under load; VisitorShard.ingest). Ingest and the
// no-op alternate in blocks of 200 requests, three rounds; the apply runs on its alarm as it
// would (not timed apart). Prints µs per request and a JSON line with the best round of each.
import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:test';
import { it } from 'vitest';
import { BASE, TEST_SITE } from '../../tests/worker/helpers';
import { BATCHES_PER_VISITOR, random, USER_AGENT, Visitor } from '../load-visitor';

const BATCHES = Number((env as unknown as Record<string, string>).COLLECT_ROUTE_BATCHES || 2_000);
const BLOCK = 200;
const VISITORS = 13;
if (!Number.isInteger(BATCHES) || BATCHES < BLOCK || BATCHES % BLOCK) throw new Error(`COLLECT_ROUTE_BATCHES: a whole number of blocks of ${BLOCK} batches; got ${BATCHES}`);
const IN_FLIGHT = Number((env as unknown as Record<string, string>).COLLECT_ROUTE_IN_FLIGHT || 1);
// no more requests at a time than visitors, so that a visitor's batches rarely overlap (bench:load's never do)
if (!Number.isInteger(IN_FLIGHT) || IN_FLIGHT < 1 || IN_FLIGHT > VISITORS) throw new Error(`COLLECT_ROUTE_IN_FLIGHT: a whole number from 1 to ${VISITORS}; got ${IN_FLIGHT}`);

it('answers collect and the no-op', async () => {
  const rnd = random(11);
  let made = 0;
  const visitors = Array.from({ length: VISITORS }, (_, slot) => new Visitor(`route${Date.now().toString(36)}`, slot, ++made, rnd));
  let sent = 0;
  const nextBody = () => {
    const slot = sent++ % VISITORS;
    if (visitors[slot].batches >= BATCHES_PER_VISITOR) visitors[slot] = new Visitor(`route${Date.now().toString(36)}`, slot, ++made, rnd);
    return JSON.stringify(visitors[slot].batch());
  };
  const collect = async () => {
    const res = await exports.default.fetch(`${BASE}/v1/collect?site=${TEST_SITE.key}`, { method: 'POST', body: nextBody(), headers: { 'user-agent': USER_AGENT } });
    if (res.status !== 202) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const health = async () => {
    const res = await exports.default.fetch(`${BASE}/v1/health`);
    if (res.status !== 200) throw new Error(`health answered ${res.status}`);
    await res.arrayBuffer();
  };
  const rounds: { collect: number; health: number }[] = [];
  for (let round = 0; round < 3; round++) {
    const time = { collect: 0, health: 0 };
    for (let done = 0; done < BATCHES; done += BLOCK) {
      for (const [kind, call] of [['collect', collect], ['health', health]] as const) {
        // workerd's clock stands still while code runs: it is read between calls
        const start = Date.now();
        let left = BLOCK;
        await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
          while (left-- > 0) await call();
        }));
        time[kind] += Date.now() - start;
      }
    }
    rounds.push({ collect: (time.collect / BATCHES) * 1_000, health: (time.health / BATCHES) * 1_000 });
  }
  console.log(`workerd, the worker's fetch handler in process: ${BATCHES.toLocaleString('en')} requests of each kind a round, ${IN_FLIGHT} in flight, µs per request`);
  for (const [i, r] of rounds.entries()) console.log(`  round ${i + 1}: POST /v1/collect ${r.collect.toFixed(0)}, GET /v1/health ${r.health.toFixed(0)}`);
  const best = (key: 'collect' | 'health') => +Math.min(...rounds.map((r) => r[key])).toFixed(1);
  console.log(JSON.stringify({ bench: 'collect-route', requests: BATCHES, in_flight: IN_FLIGHT, collect_us: best('collect'), health_us: best('health') }));
});
