// npm run bench:ingest-pace [-- --rates 100,150,200,230 --seconds 10 --warm 5 --clients 200 --port 8823 --state DIR --timeline FILE --kind ingest|health --shards 16]
// Ingest at fixed request rates, below and up to saturation: for each rate, the latency (p50,
// p99, max) and the server's CPU per request, of all its threads and of the busiest one. On
// this machine one workerd thread runs the worker and all its Durable Objects, so the busiest
// thread's ms per request is what bounds ingest (bench:load's ratio), and at a rate below
// saturation it moves less from run to run than a saturated rate does: the figure to compare two
// builds by. Each rate is drained of its apply before and after, and that time counts.
// `--timeline FILE` writes every request (phase, start in ms, latency in ms), to see whether
// slow answers come in spells or spread out. `--kind health` paces the no-op route instead, to see
// what each of the server's threads spends on a request that does nothing (`threads`: ms per
// request of every thread that used more than 5 % of the busiest one's time, by pid/tid; the
// first workerd process is wrangler dev's proxy in front of the worker's own).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { args } from './data';
import { driveInChild, type Phase } from './load-driver';
import { loadSite, startBenchServer } from './server';

const a = args();
const RATES = String(a.rates ?? '100,150,200,230').split(',').map(Number);
const SECONDS = Number(a.seconds ?? 10);
const CLIENTS = Number(a.clients ?? 200);
const PORT = Number(a.port ?? 8823);
const KIND = String(a.kind ?? 'ingest') as Phase['kind'];
if (KIND !== 'ingest' && KIND !== 'health') throw new Error(`--kind: ingest or health; got ${a.kind}`);
const SITE = loadSite(a.shards);
if (!RATES.length || RATES.some((r) => !(r > 0))) throw new Error(`--rates: request rates above 0, comma separated; got ${a.rates}`);

const state = a.state ?? mkdtempSync(join(tmpdir(), 'linger-pace-'));
const server = await startBenchServer(PORT, SITE, state);
try {
  console.error(`bench:ingest-pace: ${CLIENTS} clients (${KIND}) at ${RATES.join(', ')} requests/s, ${SECONDS} s each, worker at ${server.base}, state in ${state}`);
  const phases: Phase[] = [
    { name: 'warm-up', kind: 'ingest', seconds: Number(a.warm ?? 5), drainAfter: true },
    ...RATES.map((rate): Phase => ({ name: `${rate}/s`, kind: KIND, seconds: SECONDS, rate, drainFirst: true, drainAfter: true })),
  ];
  let before = new Map<string, number>();
  const used: Map<string, number>[] = [];
  const result = await driveInChild(
    { base: server.base, site: SITE.site, adminKey: SITE.adminKey, clients: CLIENTS, run: `pace${Date.now().toString(36)}`, checkProfiles: false, phases, timeline: a.timeline },
    (line) => console.error(line),
    (_, at) => {
      const now = server.threadCpuMs();
      if (at === 'end') used.push(new Map([...now].map(([t, ms]) => [t, ms - (before.get(t) ?? 0)])));
      before = now;
    },
  );
  const rows = result.phases.slice(1).map((p, i) => {
    const threads = [...used[i + 1].values()];
    return {
      rate: p.target_rate, requests_per_s: p.requests_per_s, p50_ms: p.p50_ms, p99_ms: p.p99_ms, max_ms: p.max_ms,
      cpu_ms_per_request: +(threads.reduce((s, ms) => s + ms, 0) / p.requests).toFixed(2),
      busiest_thread_ms_per_request: +(Math.max(0, ...threads) / p.requests).toFixed(2),
      threads: Object.fromEntries([...used[i + 1]].filter(([, ms]) => ms > 0.05 * Math.max(0, ...threads)).map(([t, ms]) => [t, +(ms / p.requests).toFixed(2)])),
    };
  });
  console.table(rows.map(({ threads, ...r }) => r));
  console.log(JSON.stringify({ bench: 'ingest-pace', kind: KIND, clients: CLIENTS, seconds: SECONDS, shards: SITE.shards, sent: result.sent, stored: result.stored, missing: result.missing, duplicates: result.duplicates, rates: rows }));
} finally {
  await server.stop();
}
