// npm run bench:reports [-- --events 1000000 --state DIR --runs 200 --recomputed-runs 30 --port 8852 --concurrency 4 --fill-only]
//
// Issue 9, part 7: reports over 1 M events answer in ≤ 100 ms p95 locally. It starts the real
// worker (wrangler dev, local tracing off), fills one shop with simulated traffic (sim/: visitors
// assigned through GET /v1/decide to ~20 campaigns, their sessions, exposures, clicks, carts and
// purchases, backdated over --days) through the admin import route in batches of up to 500
// events, waits until the shards have applied every event, then times every report route twice,
// each call paired with a GET /v1/health in the same run as the baseline:
// - kept: --runs sequential calls, the same question again (answers kept by the worker and shards);
// - recomputed: --recomputed-runs calls, each after new events in every shard (touchEveryShard),
//   so the answer is made afresh from the rollups, as under live traffic.
//
// --state DIR keeps the worker's state (and what was already sent, in DIR/bench-reports.json),
// so a later run re-measures without filling again, or resumes an interrupted fill.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalWorker, type LocalWorker } from '../worker/dev/local-worker';
import type { SiteSeed } from '../worker/seed.js';
import { benchCampaigns, type SimCampaign } from '../sim/campaigns';
import { simCatalog } from '../sim/catalog';
import { LingerClient, pool } from '../sim/client';
import { renderEvents, type SimEvent } from '../sim/events';
import { live, type Assignment } from '../sim/live';
import { DAY_MS, planVisitor } from '../sim/plan';
import { fnv1a } from '../worker/src/hash';

const { values: a } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    campaigns: { type: 'string', default: '20' },
    days: { type: 'string', default: '28' },
    runs: { type: 'string', default: '200' },
    'recomputed-runs': { type: 'string', default: '30' },
    port: { type: 'string', default: '8852' },
    state: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'fill-only': { type: 'boolean', default: false },
  },
});
const TARGET = Number(a.events);
const RUNS = Number(a.runs);
const RECOMPUTED_RUNS = Number(a['recomputed-runs']);
const SHARDS = 16;
const TARGET_P95_MS = 100;
const SITE = 'bench-reports';
const ADMIN = 'bench-reports-admin-key';
const READ = 'bench-reports-read-key';
const BATCH_EVENTS = 500; // the import route's maximum
const BATCH_BYTES = 900_000; // under its 1 MB body limit
const CHUNK = 400; // visitors decided and simulated together; progress is saved per chunk
const log = (line: string) => console.error(line);

/** ~20 home-page campaigns: the calibration set, cloned onto slots of their own. */
function campaigns(count: number): SimCampaign[] {
  const base = benchCampaigns();
  return Array.from({ length: count }, (_, i) => {
    const c = base[i % base.length];
    const round = Math.floor(i / base.length);
    return round === 0 ? c : {
      ...c, key: `${c.key}-${round}`,
      definition: { ...c.definition, name: `${c.definition.name} #${round}`, slots: c.definition.slots.map((s) => `${s}-${round}`) },
    };
  });
}

interface Progress {
  end: number;
  visitors: number;
  events: number;
}

/** One chunk of visitors, decided and simulated: its import batches (one user agent each) and event count. */
interface Chunk {
  batches: { agent: string; events: SimEvent[] }[];
  events: number;
}

/**
 * The fill is paced by the worker's one thread, so the driver keeps it busy: the next chunk's
 * visitors are decided (GET /v1/decide, 2 calls each) and simulated while the current chunk's
 * batches are being imported, and progress is saved once a chunk is stored whole.
 */
async function fill(client: LingerClient, shop: string, progressFile: string | null, progress: Progress, list: SimCampaign[]): Promise<void> {
  const catalog = simCatalog();
  const window = { days: Number(a.days), end: progress.end };
  const start = progress.end - (window.days + 1) * DAY_MS;
  const ids = await client.ensureCampaigns(list.map((c) => ({ ...c.definition, start: new Date(start).toISOString() })));
  const byId = new Map(list.map((c) => [ids.get(c.definition.name)!, c]));
  const slots = list.flatMap((c) => c.definition.slots);
  const concurrency = Number(a.concurrency);
  const t0 = performance.now();
  const sentAtStart = progress.events;
  let decideMs = 0;
  let importMs = 0;

  const prepare = async (first: number): Promise<Chunk> => {
    const t = performance.now();
    // The import takes one user agent per batch (the visitors' device class): batches per agent.
    const byAgent = new Map<string, SimEvent[]>();
    let count = 0;
    await pool(CHUNK, concurrency, async (k) => {
      const plan = planVisitor(1, first + k, window, catalog);
      const arms = new Map<string, Assignment>();
      const decisions = [];
      for (let i = 0; i < slots.length; i += 10) decisions.push(...(await client.decide(plan.id, 'home', slots.slice(i, i + 10), plan.userAgent)));
      for (const d of decisions) {
        const c = byId.get(String(d.campaign));
        if (c && !arms.has(c.key)) arms.set(c.key, { campaignId: String(d.campaign), variant: d.variant, decisionId: d.decision_id, slot: d.slot });
      }
      const rendered = renderEvents(live(plan, arms, list), arms, catalog, shop);
      let kept = byAgent.get(plan.userAgent);
      if (!kept) byAgent.set(plan.userAgent, (kept = []));
      for (const e of rendered) kept.push(e);
      count += rendered.length;
    });
    const batches: Chunk['batches'] = [];
    for (const [agent, events] of byAgent) {
      let current: SimEvent[] = [];
      let bytes = 0;
      for (const e of events) {
        const size = JSON.stringify(e).length + 1;
        if (current.length >= BATCH_EVENTS || (current.length && bytes + size > BATCH_BYTES)) (batches.push({ agent, events: current }), (current = []), (bytes = 0));
        current.push(e);
        bytes += size;
      }
      if (current.length) batches.push({ agent, events: current });
    }
    decideMs += performance.now() - t;
    return { batches, events: count };
  };

  const store = async (chunk: Chunk) => {
    const t = performance.now();
    await pool(chunk.batches.length, concurrency, async (i) => {
      const answer = await client.request<{ rejected: { reason: string }[] }>('POST', `${shop}/v1/admin/import?site=${SITE}`, {
        body: { events: chunk.batches[i].events, user_agent: chunk.batches[i].agent }, headers: { authorization: `Bearer ${ADMIN}` },
      });
      if (answer.rejected.length) throw new Error(`import rejected ${answer.rejected.length} events: ${answer.rejected[0].reason}`);
    });
    importMs += performance.now() - t;
    progress.visitors += CHUNK;
    progress.events += chunk.events;
    if (progressFile) writeFileSync(progressFile, JSON.stringify(progress));
    const secs = (performance.now() - t0) / 1000;
    log(`  ${progress.visitors} visitors, ${progress.events} events (${((progress.events - sentAtStart) / secs).toFixed(0)} events/s; busy deciding ${(decideMs / 1000).toFixed(0)} s, importing ${(importMs / 1000).toFixed(0)} s)`);
  };

  // Sent events are counted by whole chunks; the next chunk is prepared while one is stored.
  let next = progress.visitors;
  let planned = progress.events;
  let storing: Promise<void> | null = null;
  try {
    while (planned < TARGET) {
      const chunk = await prepare(next);
      next += CHUNK;
      planned += chunk.events;
      await storing;
      storing = store(chunk);
    }
  } finally {
    await storing;
  }
}

async function backlog(base: string): Promise<number> {
  const res = await fetch(`${base}/v1/admin/models?site=${SITE}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const body = (await res.json()) as { ingest: { pending: number } };
  return body.ingest.pending;
}

async function timed(url: string, key?: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  await res.arrayBuffer();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return ms;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * New events in every shard: one page view of a probe visitor per shard (outside every campaign,
 * so campaign reports do not move; the overview gains these page views). Every shard then
 * applies events, which drops its kept rollup answers, and storing them drops the worker's
 * kept answers: the next report is recomputed from the rollups up, as under live traffic.
 */
let probes = 0;
async function touchEveryShard(client: LingerClient, base: string): Promise<void> {
  const now = Date.now();
  const events: SimEvent[] = PROBE_VISITORS.map((visitor, shard) => ({
    event_id: `bench-probe-${now.toString(36)}-${probes}-${shard}`, name: 'page_view', visitor_id: visitor, session_id: `${visitor}-s`,
    page_id: `bench-probe-page-${probes}-${shard}`, seq: probes, ts: now, url: `${base}/`,
  }));
  probes++;
  await client.request('POST', `${base}/v1/admin/import?site=${SITE}`, { body: { events }, headers: { authorization: `Bearer ${ADMIN}` } });
  // The shards apply them on their own alarm, as under live traffic (a report asked earlier would
  // apply them first): wait until the admin status shows nothing pending, whatever the delay.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const status = await client.request<{ ingest?: { pending?: number } }>('GET', `${base}/v1/admin/models?site=${SITE}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    if ((status.ingest?.pending ?? 0) === 0) return;
  }
  throw new Error('the shards did not apply the probe events within 30 s');
}

/** A visitor id owned by each shard of the site (shards.ts), for touchEveryShard. */
const PROBE_VISITORS = (() => {
  const out: string[] = Array(SHARDS);
  for (let k = 0, found = 0; found < SHARDS; k++) {
    const id = `bench-probe-visitor-${k}`;
    const shard = fnv1a(id) % SHARDS;
    if (out[shard] === undefined) (out[shard] = id), found++;
  }
  return out;
})();

interface Timing {
  p50: number;
  p95: number;
  max: number;
}
const timing = (xs: number[]): Timing => ({ p50: round(quantile(xs, 0.5)), p95: round(quantile(xs, 0.95)), max: round(Math.max(...xs)) });

async function measure(base: string, client: LingerClient, progress: Progress, list: SimCampaign[]): Promise<void> {
  const ids = new Map((await client.listCampaigns()).map((c) => [c.name, c.id]));
  const one = ids.get(list[0].definition.name)!;
  const q = `site=${SITE}`;
  const routes: [string, string][] = [
    ['overview', `/v1/reports/overview?${q}`],
    ['overview (hourly, today)', `/v1/reports/overview?${q}&granularity=hour`],
    ['campaigns', `/v1/reports/campaigns?${q}`],
    ...['day', 'hour', 'segment', 'device', 'source', 'variant'].map((b): [string, string] => [`campaigns/:id breakdown=${b}`, `/v1/reports/campaigns/${one}?${q}&breakdown=${b}`]),
    ['funnel', `/v1/reports/funnel?${q}&campaign=${one}`],
    ...['last', 'first', 'linear'].map((m): [string, string] => [`attribution model=${m}`, `/v1/reports/attribution?${q}&model=${m}`]),
  ];
  const loadBefore = loadavg().map(round);
  // A route that this worker does not serve (yet) is left out, not timed.
  const served: [string, string][] = [];
  for (const r of routes) {
    const res = await fetch(base + r[1], { headers: { authorization: `Bearer ${READ}` } });
    await res.arrayBuffer();
    if (res.ok) served.push(r);
    else log(`  ${r[0]}: ${res.status}, not timed`);
  }

  // Kept: the same question again, as a dashboard asks it; the worker keeps finished answers
  // (reports/answer-cache.ts) and the shards their rollup answers (reports/shard-cache.ts).
  const kept = new Map<string, number[]>(served.map(([name]) => [name, []]));
  const keptHealth: number[] = [];
  log(`kept: ${RUNS} sequential calls of ${served.length} routes, each paired with /v1/health …`);
  for (let i = 0; i < RUNS; i++) {
    for (const [name, path] of served) {
      keptHealth.push(await timed(`${base}/v1/health`));
      kept.get(name)!.push(await timed(base + path, READ));
    }
  }
  // Recomputed: every shard has applied new events since the last answer, so nothing kept helps.
  const recomputed = new Map<string, number[]>(served.map(([name]) => [name, []]));
  const recomputedHealth: number[] = [];
  log(`recomputed: ${RECOMPUTED_RUNS} calls of each route, each after new events in every shard, paired with /v1/health …`);
  for (let i = 0; i < RECOMPUTED_RUNS; i++) {
    for (const [name, path] of served) {
      await touchEveryShard(client, base);
      recomputedHealth.push(await timed(`${base}/v1/health`));
      recomputed.get(name)!.push(await timed(base + path, READ));
    }
  }

  const result: Record<string, { kept: Timing; recomputed: Timing }> = {};
  console.log(`Reports over ${progress.events} events (${progress.visitors} visitors, ${list.length} campaigns, ${a.days} days): ${RUNS} kept and ${RECOMPUTED_RUNS} recomputed calls of each route`);
  console.log('');
  console.log(`${'route'.padEnd(34)} ${'kept p50'.padStart(9)} ${'p95'.padStart(7)} ${'max'.padStart(7)}   ${'recomputed p50'.padStart(14)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`);
  const row = (name: string, k: Timing, r: Timing) =>
    console.log(`${name.padEnd(34)} ${String(k.p50).padStart(9)} ${String(k.p95).padStart(7)} ${String(k.max).padStart(7)}   ${String(r.p50).padStart(14)} ${String(r.p95).padStart(7)} ${String(r.max).padStart(7)}`);
  for (const [name] of served) {
    result[name] = { kept: timing(kept.get(name)!), recomputed: timing(recomputed.get(name)!) };
    row(name, result[name].kept, result[name].recomputed);
  }
  const health = { kept: timing(keptHealth), recomputed: timing(recomputedHealth) };
  row('/v1/health (baseline)', health.kept, health.recomputed);
  console.log('');
  const all = Object.values(result);
  const met = { kept: all.every((r) => r.kept.p95 <= TARGET_P95_MS), recomputed: all.every((r) => r.recomputed.p95 <= TARGET_P95_MS) };
  const load = { before: loadBefore, after: loadavg().map(round) };
  console.log(`p95 ≤ ${TARGET_P95_MS} ms on every route: kept ${met.kept ? 'yes' : 'no'}, recomputed ${met.recomputed ? 'yes' : 'no'}`);
  console.log(`load average (1, 5, 15 min) ${load.before.join(' ')} before, ${load.after.join(' ')} after`);
  console.log(JSON.stringify({ events: progress.events, routes: result, health_ms: health, target_p95_ms: TARGET_P95_MS, met, load_avg: load }));
}

let worker: LocalWorker | undefined;
try {
  const port = Number(a.port);
  const site = (base: string): SiteSeed => ({ site: SITE, name: 'Reports benchmark shop', origins: [base], adminKey: ADMIN, readKey: READ, shards: SHARDS });
  log(`starting a local worker on port ${port}${a.state ? ` with state ${a.state}` : ''} …`);
  // (startLocalWorker turns wrangler's local trace store off: over a 160 k event fill it took ~1 GB and most of the CPU)
  worker = await startLocalWorker(port, site, { state: a.state, catalog: true });
  const base = worker.base;
  const client = new LingerClient({ base, site: SITE, adminKey: ADMIN, readKey: READ });
  const progressFile = a.state ? join(a.state, 'bench-reports.json') : null;
  const progress: Progress = progressFile && existsSync(progressFile) ? JSON.parse(readFileSync(progressFile, 'utf8')) : { end: Date.now(), visitors: 0, events: 0 };
  const list = campaigns(Number(a.campaigns));
  if (progress.events < TARGET) {
    log(`filling to ${TARGET} events (${progress.events} sent before) …`);
    await fill(client, base, progressFile, progress, list);
  }
  log('waiting for the shards to apply every event …');
  for (let pending = await backlog(base), t = Date.now(); pending > 0; pending = await backlog(base)) {
    log(`  ${pending} events pending (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
  if (!a['fill-only']) await measure(base, client, progress, list);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await worker?.stop();
}
