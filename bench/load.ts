// npm run bench:load [-- --clients 200 --seconds 60 --state DIR]
// Ingest throughput against the no-op route, in the same run. A local worker (wrangler dev,
// persisted state) is driven from a separate process: GET /v1/health by all clients as fast as
// it answers, then POST /v1/collect (10-event batches, each client a distinct visitor) as fast
// as it answers, then POST /v1/collect paced at half the no-op request rate, to read the
// latency at that load. Then every visitor is read back through the admin events API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { args } from './data';
import { driveInChild } from './load-driver';
import { startBenchServer } from './server';

const a = args();
const CLIENTS = Number(a.clients ?? 200);
const SECONDS = Number(a.seconds ?? 60);
const PORT = Number(a.port ?? 8822);
const SITE = { site: 'load', name: 'Load shop', origins: [], adminKey: 'load-admin-key', readKey: 'load-read-key', shards: 16 };

const state = a.state ?? mkdtempSync(join(tmpdir(), 'linger-load-'));
const server = await startBenchServer(PORT, SITE, state);
try {
  console.error(`bench:load: ${CLIENTS} clients, ${SECONDS} s of ingest, worker at ${server.base}, state in ${state}`);
  const result = await driveInChild(
    {
      base: server.base,
      site: SITE.site,
      adminKey: SITE.adminKey,
      clients: CLIENTS,
      run: `load${Date.now().toString(36)}`,
      checkProfiles: false,
      phases: [
        { name: 'warm-up', kind: 'ingest', seconds: Math.min(5, SECONDS / 4) },
        { name: 'no-op', kind: 'health', seconds: Math.max(5, SECONDS / 3), drainFirst: true },
        { name: 'ingest', kind: 'ingest', seconds: SECONDS },
        { name: 'ingest at half the no-op rate', kind: 'ingest', seconds: Math.max(5, SECONDS / 3), shareOf: { phase: 'no-op', share: 0.5 }, drainFirst: true },
      ],
    },
    (line) => console.error(line),
  );
  const noop = result.phases.find((p) => p.name === 'no-op')!;
  const ingest = result.phases.find((p) => p.name === 'ingest')!;
  const paced = result.phases.at(-1)!;
  console.log(`\n${'phase'.padEnd(32)} ${'req/s'.padStart(8)} ${'events/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'failed'.padStart(7)}`);
  for (const p of result.phases) {
    const name = p.target_rate ? `${p.name} (${p.target_rate}/s)` : p.name;
    console.log(`${name.padEnd(32)} ${String(p.requests_per_s).padStart(8)} ${String(p.kind === 'ingest' ? p.events_per_s : '').padStart(9)} ${String(p.p50_ms).padStart(8)} ${String(p.p99_ms).padStart(8)} ${String(p.max_ms).padStart(8)} ${String(p.failures).padStart(7)}`);
  }
  const ratio = ingest.requests_per_s / noop.requests_per_s;
  console.log(`\ningest / no-op request rate: ${ratio.toFixed(2)}   (target ≥ 0.5; p99 at half the no-op rate ${paced.p99_ms} ms, target ≤ 500)`);
  console.log(`read back: ${result.visitors} visitors, sent ${result.sent}, stored ${result.stored}, missing ${result.missing}, duplicates ${result.duplicates}, unexpected ${result.unexpected}, rejected ${result.rejected_events}`);
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      seconds: SECONDS,
      events_per_s: ingest.events_per_s,
      requests_per_s: ingest.requests_per_s,
      noop_requests_per_s: noop.requests_per_s,
      ratio_to_noop: +ratio.toFixed(3),
      p50_ms: paced.p50_ms,
      p99_ms: paced.p99_ms,
      paced_requests_per_s: paced.requests_per_s,
      saturated_p50_ms: ingest.p50_ms,
      saturated_p99_ms: ingest.p99_ms,
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
