// npm run bench:load [-- --clients 200 --seconds 60 --state DIR --port 8822 --local-tracing true --shards 16]
// Ingest throughput against the no-op route, in the same run. A local worker (wrangler dev,
// persisted state) is driven from a separate process by closed-loop clients: GET /v1/health and
// POST /v1/collect (10-event batches, each client a distinct visitor) as fast as answers come,
// in alternating slices; then POST /v1/collect paced at half the no-op request rate, to read
// the latency at that load. Then every visitor is read back through the admin events API:
// `sent` counts the rows the server should hold (a page view's engagement reports are one row,
// its latest report), `events_sent` every event acknowledged.
// The CPU time of the server's processes and of the driver is counted per request too: on a
// shared machine it is steadier than the rates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { args } from './data';
import { driveInChild, type Phase } from './load-driver';
import { loadSite, startBenchServer } from './server';

const a = args();
const CLIENTS = Number(a.clients ?? 200);
const SECONDS = Number(a.seconds ?? 60);
const PORT = Number(a.port ?? 8822);
const SITE = loadSite(a.shards);

const state = a.state ?? mkdtempSync(join(tmpdir(), 'linger-load-'));
const LOCAL_TRACING = a['local-tracing'] === 'true';
const server = await startBenchServer(PORT, SITE, state, { localTracing: LOCAL_TRACING });
try {
  console.error(`bench:load: ${CLIENTS} clients, ${SECONDS} s of ingest, worker at ${server.base}, state in ${state}, wrangler's local tracing ${LOCAL_TRACING ? 'on' : 'off'}`);
  // The no-op and ingest are measured in alternating slices (5 s of no-op, 10 s of ingest
  // followed by the time the shards take to apply what was stored: ingest is charged with that
  // work, which follows its answers), so both see the same machine: this one is shared, and its
  // load drifts within a minute.
  const SLICE = 10;
  const rounds = Math.max(1, Math.round(SECONDS / SLICE));
  const phases: Phase[] = [{ name: 'warm-up', kind: 'ingest', seconds: Math.min(5, SECONDS / 4), drainAfter: true }];
  for (let i = 0; i < rounds; i++) {
    phases.push({ name: `no-op#${i}`, kind: 'health', seconds: SLICE / 2 });
    phases.push({ name: `ingest#${i}`, kind: 'ingest', seconds: SECONDS / rounds, drainAfter: true });
  }
  phases.push({ name: 'ingest at half the no-op rate', kind: 'ingest', seconds: Math.max(5, SECONDS / 3), shareOf: { phase: 'no-op', share: 0.5 }, drainFirst: true, drainAfter: true });
  const cpuAt: number[][] = phases.map(() => [0, 0]);
  const result = await driveInChild(
    { base: server.base, site: SITE.site, adminKey: SITE.adminKey, clients: CLIENTS, run: `load${Date.now().toString(36)}`, checkProfiles: false, phases },
    (line) => console.error(line),
    (phase, at) => (cpuAt[phase][at === 'start' ? 0 : 1] = server.cpuMs()),
  );
  const rows = result.phases.map((p, i) => ({ ...p, server_cpu_ms: cpuAt[i][1] - cpuAt[i][0] }));
  const merge = (name: string) => {
    const parts = rows.filter((p) => p.name.split('#')[0] === name);
    const seconds = parts.reduce((n, p) => n + p.seconds, 0);
    const requests = parts.reduce((n, p) => n + p.requests, 0);
    const events = parts.reduce((n, p) => n + p.events, 0);
    const latencies = parts.flatMap((p) => p.latencies ?? []).sort((a, b) => a - b);
    const pct = (q: number) => +(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
    const serverCpu = parts.reduce((n, p) => n + p.server_cpu_ms, 0);
    const driverCpu = parts.reduce((n, p) => n + p.driver_cpu_ms, 0);
    return {
      name, seconds: +seconds.toFixed(1), requests, events, target_rate: parts[0].target_rate,
      requests_per_s: +(requests / seconds).toFixed(1), events_per_s: +(events / seconds).toFixed(1),
      p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: +(latencies.at(-1) ?? 0).toFixed(1),
      failures: parts.reduce((n, p) => n + p.failures, 0),
      drain_seconds: +parts.reduce((n, p) => n + p.drain_seconds, 0).toFixed(1),
      statuses: parts.reduce((all, p) => { for (const [k, n] of Object.entries(p.statuses)) all[k] = (all[k] ?? 0) + n; return all; }, {} as Record<string, number>),
      server_cpu_ms_per_request: +(serverCpu / requests).toFixed(2),
      driver_cpu_ms_per_request: +(driverCpu / requests).toFixed(2),
    };
  };
  const noop = merge('no-op');
  const ingest = merge('ingest');
  const paced = merge('ingest at half the no-op rate');
  const table = [merge('warm-up'), noop, ingest, paced];
  console.log(`\n${'phase'.padEnd(34)} ${'s'.padStart(5)} ${'req/s'.padStart(7)} ${'events/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'failed'.padStart(6)} ${'server CPU ms/req'.padStart(18)} ${'driver CPU ms/req'.padStart(18)}`);
  for (const p of table) {
    const name = p.target_rate ? `${p.name} (${p.target_rate}/s)` : p.name;
    console.log(`${name.padEnd(34)} ${String(p.seconds).padStart(5)} ${String(p.requests_per_s).padStart(7)} ${String(p.events ? p.events_per_s : '').padStart(9)} ${String(p.p50_ms).padStart(8)} ${String(p.p99_ms).padStart(8)} ${String(p.max_ms).padStart(8)} ${String(p.failures).padStart(6)} ${String(p.server_cpu_ms_per_request).padStart(18)} ${String(p.driver_cpu_ms_per_request).padStart(18)}`);
  }
  console.log(`ingest: ${ingest.drain_seconds} s of its ${ingest.seconds} s were spent waiting for the shards to apply what was stored; answers ${JSON.stringify(ingest.statuses)}`);
  const ratio = ingest.requests_per_s / noop.requests_per_s;
  const cpuRatio = (noop.server_cpu_ms_per_request + noop.driver_cpu_ms_per_request) / (ingest.server_cpu_ms_per_request + ingest.driver_cpu_ms_per_request);
  console.log(`\ningest / no-op request rate: ${ratio.toFixed(2)} (target ≥ 0.5); by CPU per request (server + driver): ${cpuRatio.toFixed(2)}`);
  console.log(`p99 at half the no-op rate (${paced.target_rate}/s asked, ${paced.requests_per_s}/s done): ${paced.p99_ms} ms (target ≤ 500)`);
  console.log(`events acknowledged: ${result.events_sent}, of which ${result.engagement_folded} engagement reports updated their page view's one row`);
  console.log(`read back: ${result.visitors} visitors, sent ${result.sent} (rows expected), stored ${result.stored}, missing ${result.missing}, duplicates ${result.duplicates}, unexpected ${result.unexpected}, rejected ${result.rejected_events}`);
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      seconds: SECONDS,
      shards: SITE.shards,
      local_tracing: LOCAL_TRACING,
      events_per_s: ingest.events_per_s,
      requests_per_s: ingest.requests_per_s,
      // of the ingest slices' seconds, those spent waiting for the shards to apply what was stored
      drain_seconds: ingest.drain_seconds,
      noop_requests_per_s: noop.requests_per_s,
      ratio_to_noop: +ratio.toFixed(3),
      cpu_ratio_to_noop: +cpuRatio.toFixed(3),
      p50_ms: paced.p50_ms,
      p99_ms: paced.p99_ms,
      paced_requests_per_s: paced.requests_per_s,
      saturated_p50_ms: ingest.p50_ms,
      saturated_p99_ms: ingest.p99_ms,
      events_sent: result.events_sent,
      engagement_folded: result.engagement_folded,
      sent: result.sent,
      stored: result.stored,
      missing: result.missing,
      duplicates: result.duplicates,
    }),
  );
} finally {
  await server.stop();
  if (!a.state) rmSync(state, { recursive: true, force: true });
}
