// npm run bench:faults [-- --clients 200 --seconds 60 --port 8824]
// The bench:load traffic while the server's whole process group is killed (SIGKILL, no
// shutdown) and restarted twice, on the same state folder. Clients retry like the SDK, with
// the same event ids. After recovery every visitor is read back: stored must equal sent, with
// no duplicates, and each profile's counters must equal its stored events (exactly once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { args } from './data';
import { driveInChild } from './load-driver';
import { startBenchServer } from './server';

const a = args();
const CLIENTS = Number(a.clients ?? 200);
const SECONDS = Number(a.seconds ?? 60);
const PORT = Number(a.port ?? 8824);
const RESTARTS = 2;
const SITE = { site: 'faults', name: 'Faults shop', origins: [], adminKey: 'faults-admin-key', readKey: 'faults-read-key', shards: 16 };

const state = a.state ?? mkdtempSync(join(tmpdir(), 'linger-faults-'));
const server = await startBenchServer(PORT, SITE, state);
const restarts: { killed_at_s: number; down_s: number }[] = [];
try {
  console.error(`bench:faults: ${CLIENTS} clients, ${SECONDS} s, ${RESTARTS} kills, worker at ${server.base}, state in ${state}`);
  const t0 = performance.now();
  const faults = (async () => {
    for (let i = 1; i <= RESTARTS; i++) {
      await new Promise((r) => setTimeout(r, ((SECONDS * 1000) / (RESTARTS + 1)) * i - (performance.now() - t0)));
      const killedAt = performance.now();
      await server.kill();
      console.error(`  killed the server (SIGKILL to its process group) at ${((killedAt - t0) / 1000).toFixed(1)} s`);
      await server.restart();
      restarts.push({ killed_at_s: +((killedAt - t0) / 1000).toFixed(1), down_s: +((performance.now() - killedAt) / 1000).toFixed(1) });
      console.error(`  back after ${restarts.at(-1)!.down_s} s`);
    }
  })();
  const result = await driveInChild(
    { base: server.base, site: SITE.site, adminKey: SITE.adminKey, clients: CLIENTS, run: `faults${Date.now().toString(36)}`, checkProfiles: true, phases: [{ name: 'ingest under faults', kind: 'ingest', seconds: SECONDS }] },
    (line) => console.error(line),
  );
  await faults;
  const p = result.phases[0];
  console.log(`\n${'sent'.padStart(8)} ${'stored'.padStart(8)} ${'missing'.padStart(8)} ${'dupl.'.padStart(6)} ${'unexp.'.padStart(6)} ${'retried'.padStart(8)} ${'failed tries'.padStart(12)} ${'profile mismatches'.padStart(19)} ${'visitors'.padStart(9)}`);
  console.log(`${String(result.sent).padStart(8)} ${String(result.stored).padStart(8)} ${String(result.missing).padStart(8)} ${String(result.duplicates).padStart(6)} ${String(result.unexpected).padStart(6)} ${String(result.retried_batches).padStart(8)} ${String(p.failures).padStart(12)} ${String(result.profile_mismatches).padStart(19)} ${String(result.visitors).padStart(9)}`);
  console.log(`restarts: ${restarts.map((r) => `killed at ${r.killed_at_s} s, down ${r.down_s} s`).join('; ')}; answers: ${JSON.stringify(p.statuses)}`);
  if (result.profile_examples.length) console.log(`profile mismatches, e.g.: ${JSON.stringify(result.profile_examples)}`);
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      seconds: SECONDS,
      sent: result.sent,
      stored: result.stored,
      missing: result.missing,
      duplicates: result.duplicates,
      restarts: restarts.length,
      retried_batches: result.retried_batches,
      profile_mismatches: result.profile_mismatches,
    }),
  );
} finally {
  await server.stop();
  if (!a.state) rmSync(state, { recursive: true, force: true });
}
