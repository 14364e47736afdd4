// npm run bench:recs-serve [-- --items 10000 --events 1000000 --requests 2000 --state DIR --port 8797]
// Fills a local worker (wrangler dev) with a synthetic shop through the real collector, then
// measures GET /v1/recs latency from this process. With --state, the filled shop is kept in DIR,
// and a later run with the same DIR measures it again without filling. Baseline in the same run: GET /v1/health,
// which does no work, so the ratio shows what recommending costs over the local server itself.
// The server's CPU time per request (wrangler and workerd, read from /proc on Linux) is measured
// apart from latency, on other requests of the same mix: it holds still when the machine is busy.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startLocalWorker } from '../worker/dev/local-worker';
import { seededRandom } from '../worker/src/ml/random';
import { args } from './data';
// Personalized reads carry the visitor's token, as the SDK sends it (docs/security.md).
import { visitorToken } from '../sim/client';

const a = args();
const ITEMS = Number(a.items ?? 10_000);
const EVENTS = Number(a.events ?? 1_000_000);
const REQUESTS = Number(a.requests ?? 2_000);
const CATEGORIES = 50;
const CONCURRENCY = 6;
const PORT = Number(a.port ?? 8797);
const SITE = 'bench';
// The shop's page origin, fixed so that a kept state answers on any --port.
const SHOP_ORIGIN = 'http://127.0.0.1:8797';

const random = seededRandom(11);
/** Zipf-like pick from 0..n-1: a few items are popular, most are not. */
const zipf = (n: number) => Math.min(n - 1, Math.floor(n * random() ** 3));
const itemsByCategory: string[][] = Array.from({ length: CATEGORIES }, () => []);
const catalog = Array.from({ length: ITEMS }, (_, i) => {
  const id = `i${String(i).padStart(5, '0')}`;
  const category = `c${String(i % CATEGORIES).padStart(2, '0')}`;
  itemsByCategory[i % CATEGORIES].push(id);
  return { id, name: `Item ${i}`, category, price: Math.round(5 + random() * 200), inStock: random() > 0.05 };
});
const categoryOf = new Map(catalog.map((c) => [c.id, c.category]));

let eventCounter = 0;
const visitors = Array.from({ length: Math.max(100, Math.round(EVENTS / 25)) }, (_, i) => `visitor-${String(i).padStart(7, '0')}`);
const seqOf = new Map<string, number>();

/** One synthetic session: a theme category, 3–12 product views, engaged time, sometimes a cart add and a purchase. */
function session(now: number) {
  const visitor = visitors[Math.floor(random() * visitors.length)];
  const sessionId = `s-${++eventCounter}-${Math.floor(random() * 1e9)}`;
  const theme = itemsByCategory[zipf(CATEGORIES)];
  let ts = now - Math.floor(random() * 7 * 86_400_000);
  const events: object[] = [];
  const ev = (name: string, props: object = {}) => {
    const seq = (seqOf.get(visitor) ?? 0) + 1;
    seqOf.set(visitor, seq);
    events.push({ event_id: `e-${++eventCounter}-${Math.floor(random() * 1e9)}`, name, visitor_id: visitor, session_id: sessionId, seq, ts: (ts += 5_000 + Math.floor(random() * 60_000)), url: 'https://bench.example/', props });
  };
  ev('page_view');
  const viewed: string[] = [];
  for (let v = 3 + Math.floor(random() * 10); v > 0; v--) {
    const item = random() < 0.8 ? theme[zipf(theme.length)] : catalog[zipf(ITEMS)].id;
    viewed.push(item);
    ev('view_item', { item_id: item, item_category: categoryOf.get(item) });
  }
  // the tracker's engaged-time report: only sessions engaged like a person's teach the recommender
  ev('user_engagement', { engaged_ms: 2_000 + Math.floor(random() * 30_000) });
  if (random() < 0.12) {
    ev('add_to_cart', { item_id: viewed[viewed.length - 1], item_category: categoryOf.get(viewed[viewed.length - 1]), quantity: 1 });
    if (random() < 0.35) {
      const basket = [...new Set(viewed.slice(-3))];
      ev('purchase', { transaction_id: `t-${eventCounter}`, value: 50, items: basket.map((item_id) => ({ item_id, quantity: 1 })) });
    }
  }
  return events;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** CPU ms (user + system) used so far by this process's children and their children: the local server. */
function serverCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const tick = 10; // ms per clock tick (USER_HZ = 100 on Linux)
  const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      // the fields after the command name: state, ppid, ... utime (12th), stime (13th)
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return [{ pid: Number(pid), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * tick }];
    } catch {
      return []; // it ended meanwhile
    }
  });
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) if (!ours.has(s.pid) && ours.has(s.ppid)) ours.add(s.pid), (grew = true);
  }
  return stats.reduce((sum, s) => (s.pid !== process.pid && ours.has(s.pid) ? sum + s.cpu : sum), 0);
}

// A kept state counts as filled only once its fill finished (a stopped fill leaves a partial shop).
const FILLED = a.state && join(a.state, 'recs-serve-filled');
if (a.state && existsSync(a.state) && !existsSync(FILLED!)) {
  console.error(`bench:recs-serve: ${a.state} holds no finished fill (a run stopped before it ended); remove it or choose another --state`);
  process.exit(2);
}
const worker = await startLocalWorker(PORT, () => ({ site: SITE, name: 'Bench shop', origins: [SHOP_ORIGIN], adminKey: 'bench-admin-key', readKey: 'bench-read-key', shards: 16 }), { items: catalog, state: a.state });
try {
  if (worker.reused) console.error(`  reusing the shop filled in ${a.state}`);
  // ---- fill --------------------------------------------------------------------------------
  const now = Date.now();
  let sent = 0;
  let next = worker.reused ? EVENTS : 0; // a reused shop is already filled
  for (let i = 0; worker.reused && i < visitors.length; i++) seqOf.set(visitors[i], 0);
  const fillStart = performance.now();
  const post = async (events: object[]) => {
    for (let attempt = 0; ; attempt++) {
      // with the visitor's token, as the SDK sends it: its shard keeps the hash, and reads are checked against it
      const token = visitorToken((events[0] as { visitor_id: string }).visitor_id);
      const res = await fetch(`${worker.base}/v1/collect?site=${SITE}`, { method: 'POST', body: JSON.stringify({ token, events }) });
      if (res.status === 202) return;
      if (attempt > 5) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  };
  // Each batch holds whole sessions of one visitor at a time, as a browser sends them.
  const batches = async function* () {
    while (next < EVENTS) {
      const events = session(now);
      next += events.length;
      for (let i = 0; i < events.length; i += 50) yield events.slice(i, i + 50);
    }
  };
  const iterator = batches();
  let lastReport = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let b = await iterator.next(); !b.done; b = await iterator.next()) {
        await post(b.value);
        sent += b.value.length;
        if (sent - lastReport >= 100_000) {
          lastReport = sent;
          console.error(`  filled ${sent} events (${Math.round(sent / ((performance.now() - fillStart) / 1000))} events/s)`);
        }
      }
    }),
  );
  const fillSeconds = (performance.now() - fillStart) / 1000;
  // Let the recommender finish learning (it learns after each response), then rebuild as the cron would.
  let rebuild = { recommender: { items: 0, sessions: 0 } };
  if (!worker.reused) {
    await new Promise((r) => setTimeout(r, 3_000));
    rebuild = await (await fetch(`${worker.base}/v1/admin/retrain?site=${SITE}`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key' } })).json<any>();
    if (FILLED) writeFileSync(FILLED, `${sent} events\n`);
  }

  // ---- measure -----------------------------------------------------------------------------
  const contexts = ['product', 'home', 'cart'] as const;
  const recsUrls = () =>
    Array.from({ length: REQUESTS }, (_, i) => {
      const context = contexts[i % 3];
      const visitor = visitors[Math.floor(random() * visitors.length)];
      const item = context === 'product' ? `&item=${catalog[zipf(ITEMS)].id}` : '';
      return `${worker.base}/v1/recs?site=${SITE}&visitor=${visitor}&token=${visitorToken(visitor)}&context=${context}${item}&limit=10`;
    });
  const urls = recsUrls();
  // as from the shop's page: personalized content is served only to pages of an allowed origin
  const time = async (url: string) => {
    const start = performance.now();
    const res = await fetch(url, { headers: { origin: SHOP_ORIGIN } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return performance.now() - start;
  };
  for (const url of urls.slice(0, 50)) await time(url); // warm up
  for (let i = 0; i < 50; i++) await time(`${worker.base}/v1/health`);
  const recs: number[] = [];
  const byContext: Record<string, number[]> = { product: [], home: [], cart: [] };
  const health: number[] = [];
  for (let i = 0; i < urls.length; i++) {
    const ms = await time(urls[i]);
    recs.push(ms);
    byContext[contexts[i % 3]].push(ms);
    health.push(await time(`${worker.base}/v1/health`));
  }
  // Server CPU per request, on requests of other visitors (no answer seen above is asked again).
  const cpuPer = async (list: string[]) => {
    const before = serverCpuMs();
    for (const url of list) await time(url);
    return (serverCpuMs() - before) / list.length;
  };
  const recsCpu = await cpuPer(recsUrls());
  const healthCpu = await cpuPer(urls.map(() => `${worker.base}/v1/health`));
  const sorted = (x: number[]) => [...x].sort((p, q) => p - q);
  const r = sorted(recs);
  const h = sorted(health);
  const sample = await (await fetch(urls[0], { headers: { origin: SHOP_ORIGIN } })).json<any>();
  console.log(`\nSynthetic shop: ${ITEMS} items in ${CATEGORIES} categories, ${worker.reused ? `filled earlier in ${a.state}` : `${sent} events`} from ${visitors.length} visitors`);
  if (!worker.reused) {
    console.log(`  fill through /v1/collect: ${fillSeconds.toFixed(0)} s (${Math.round(sent / fillSeconds)} events/s, ${CONCURRENCY} concurrent requests)`);
    console.log(`  recommender after rebuild: ${rebuild.recommender.items} items, ${rebuild.recommender.sessions} sessions kept`);
  }
  console.log(`  GET /v1/recs, ${REQUESTS} sequential requests (contexts product/home/cart, limit 10):`);
  console.log(`    all       p50 ${pct(r, 50).toFixed(2)} ms   p95 ${pct(r, 95).toFixed(2)} ms   p99 ${pct(r, 99).toFixed(2)} ms`);
  for (const c of contexts) {
    const s = sorted(byContext[c]);
    console.log(`    ${c.padEnd(8)}  p50 ${pct(s, 50).toFixed(2)} ms   p95 ${pct(s, 95).toFixed(2)} ms`);
  }
  console.log(`  baseline GET /v1/health: p50 ${pct(h, 50).toFixed(2)} ms   p95 ${pct(h, 95).toFixed(2)} ms`);
  console.log(`  server CPU per request: recs ${recsCpu.toFixed(2)} ms, health ${healthCpu.toFixed(2)} ms (${REQUESTS} sequential requests each)`);
  console.log(`  ratio (p95 recs / p95 health): ${(pct(r, 95) / pct(h, 95)).toFixed(1)}×   sample: ${sample.items.length} items, first reason ${sample.items[0]?.reason}`);
  console.log(
    JSON.stringify({
      items: ITEMS,
      events: worker.reused ? null : sent,
      fill_events_per_s: worker.reused ? null : Math.round(sent / fillSeconds),
      recs_ms: { p50: +pct(r, 50).toFixed(2), p95: +pct(r, 95).toFixed(2), p99: +pct(r, 99).toFixed(2) },
      by_context_p95_ms: Object.fromEntries(contexts.map((c) => [c, +pct(sorted(byContext[c]), 95).toFixed(2)])),
      health_ms: { p50: +pct(h, 50).toFixed(2), p95: +pct(h, 95).toFixed(2) },
      server_cpu_ms_per_request: { recs: +recsCpu.toFixed(2), health: +healthCpu.toFixed(2) },
      load_average_1m: +loadavg()[0].toFixed(2), // the machine's business when it ended: latency is worth less when high
    }),
  );
} finally {
  await worker.stop();
}
