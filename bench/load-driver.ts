// The load generator of bench:load and bench:faults, run as a separate process (forked by them)
// so its CPU is not the server's. Clients are closed loops over keep-alive connections; each is
// one visitor at a time that browses like the SDK reports it, in 10-event batches, and retries
// a failed batch like the SDK does (same event ids, backoff with full jitter). At the end it
// reads every visitor back through the admin API and compares with what it sent.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { BATCHES_PER_VISITOR, random, USER_AGENT, Visitor } from './load-visitor';

export interface Phase {
  name: string;
  kind: 'health' | 'ingest';
  seconds: number;
  /** Requests per second for all clients together (paced); by default as fast as answers come. */
  rate?: number;
  /** Pace at this share of the request rate the phase named `of` reached. */
  shareOf?: { phase: string; share: number };
  /** Wait until the server has applied every stored event before this phase. */
  drainFirst?: boolean;
  /** Wait until the server has applied every stored event after this phase, and count that time in the phase. */
  drainAfter?: boolean;
}

export interface DriverConfig {
  base: string;
  site: string;
  adminKey: string;
  clients: number;
  phases: Phase[];
  /** Unique per run, so a kept state folder never mixes runs. */
  run: string;
  /** Also compare each profile's counters with the stored events. */
  checkProfiles: boolean;
  /** Write every request to this file, a line each: phase, start (ms into the phase), latency (ms). */
  timeline?: string;
}

export interface PhaseResult {
  name: string;
  kind: Phase['kind'];
  seconds: number;
  requests: number;
  events: number;
  /** Request rate asked for (paced phases). */
  target_rate: number | null;
  requests_per_s: number;
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Answers that were not 2xx, and network errors; each was retried. */
  failures: number;
  statuses: Record<string, number>;
  /** CPU the load generator itself used. */
  driver_cpu_ms: number;
  /** Time spent after sending, until the server had applied everything (counted in `seconds`). */
  drain_seconds: number;
  /** Latencies, for merging phases (not printed). */
  latencies?: number[];
}

export interface DriverResult {
  phases: PhaseResult[];
  /** Rows the server should hold: every event acknowledged, a page view's engagement reports counted as one (its latest). */
  sent: number;
  /** Every event acknowledged, each engagement report counted. */
  events_sent: number;
  /** Engagement reports that updated their page view's row instead of adding one. */
  engagement_folded: number;
  stored: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  visitors: number;
  retried_batches: number;
  rejected_events: number;
  profile_mismatches: number | null;
  profile_examples: unknown[];
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function drive(cfg: DriverConfig, log: (line: string) => void = () => {}, edge: (phase: number, at: 'start' | 'end') => Promise<void> = async () => {}): Promise<DriverResult> {
  const url = new URL(cfg.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.clients * 2 });
  const request = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method, path, agent, headers: body ? { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body), ...headers } : headers, timeout: 30_000 },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });

  // visitor → event ids acknowledged; a page view's engagement reports are kept in one row,
  // the one with the most engaged time (the later of equals), so only that report is expected
  const sent = new Map<string, { ids: string[]; engagement: Map<string, { id: string; ms: number; seq: number }> }>();
  let eventsSent = 0;
  let retried = 0;
  let rejectedEvents = 0;
  const results: PhaseResult[] = [];
  const timeline: string[] = [];
  const visitorSeq = Array.from({ length: cfg.clients }, () => 0);
  const visitors: (Visitor | null)[] = Array.from({ length: cfg.clients }, () => null);

  /** Sends one batch until it is acknowledged, retrying like the SDK. Returns the first attempt's latency. */
  async function deliver(v: Visitor, batch: { events: object[]; sent_at: number }, phase: { failures: number; statuses: Record<string, number> }) {
    for (let attempt = 0; ; attempt++) {
      const body = JSON.stringify({ ...batch, sent_at: Date.now() });
      let status = 0;
      let text = '';
      try {
        ({ status, text } = await request('POST', `/v1/collect?site=${cfg.site}`, body, { 'user-agent': USER_AGENT }));
      } catch (err) {
        status = 0;
        text = String(err);
      }
      phase.statuses[status || 'network'] = (phase.statuses[status || 'network'] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        const answer = JSON.parse(text);
        rejectedEvents += answer.rejected?.length ?? 0;
        let mine = sent.get(v.id);
        if (!mine) sent.set(v.id, (mine = { ids: [], engagement: new Map() }));
        for (const e of batch.events as { event_id: string; name: string; page_id: string; seq: number; props: { engaged_ms?: number } }[]) {
          eventsSent++;
          if (e.name !== 'user_engagement') {
            mine.ids.push(e.event_id);
            continue;
          }
          const kept = mine.engagement.get(e.page_id);
          const ms = e.props.engaged_ms ?? 0;
          if (!kept || ms > kept.ms || (ms === kept.ms && e.seq > kept.seq)) mine.engagement.set(e.page_id, { id: e.event_id, ms, seq: e.seq });
        }
        return;
      }
      phase.failures++;
      if (status >= 400 && status < 500 && status !== 429) throw new Error(`collect answered ${status}: ${text}`);
      if (attempt === 0) retried++;
      await sleep(Math.random() * Math.min(2_000, 100 * 2 ** attempt)); // full jitter, capped
    }
  }

  // Waits until the shards have applied every stored event. A report read applies each shard's
  // pending events first (as a marketer opening the dashboard would), so the wait is the work of
  // applying, not the shards' apply timer, which a load that stops would otherwise sit out.
  async function drain() {
    const deadline = Date.now() + 120_000;
    try {
      const r = await request('GET', `/v1/reports/overview?site=${cfg.site}`, undefined, { authorization: `Bearer ${cfg.adminKey}` });
      if (r.status !== 200) log(`  (the drain's report read answered ${r.status}: waiting for the shards' own apply)`);
    } catch {
      /* the server may be restarting: the polls below wait for it */
    }
    while (Date.now() < deadline) {
      try {
        const r = await request('GET', `/v1/admin/models?site=${cfg.site}`, undefined, { authorization: `Bearer ${cfg.adminKey}` });
        if (r.status === 404) return; // no such route: nothing to wait for
        if (r.status === 200 && (JSON.parse(r.text).ingest?.pending ?? 0) === 0) return;
        if (r.status !== 200) throw new Error(`admin models: ${r.status} ${r.text}`);
      } catch {
        /* the server may be restarting */
      }
      await sleep(50);
    }
    log('  (still applying events after 120 s)');
  }

  for (const [index, phase] of cfg.phases.entries()) {
    if (phase.drainFirst) await drain();
    await edge(index, 'start');
    const cpu0 = process.cpuUsage();
    // a phase measured in slices is named "name#i": its rate is over all its slices
    const of = results.filter((r) => r.name.split('#')[0] === phase.shareOf?.phase);
    const ofRate = of.reduce((n, r) => n + r.requests, 0) / Math.max(1e-9, of.reduce((n, r) => n + r.seconds, 0));
    const rate = phase.rate ?? (phase.shareOf && of.length ? ofRate * phase.shareOf.share : undefined);
    const latencies: number[] = [];
    const state = { failures: 0, statuses: {} as Record<string, number> };
    let events = 0;
    const start = performance.now();
    const end = start + phase.seconds * 1000;
    const interval = rate ? (cfg.clients / rate) * 1000 : 0;

    await Promise.all(
      Array.from({ length: cfg.clients }, async (_, c) => {
        const rnd = random(c * 7919 + 1);
        // paced clients start spread over one interval; each send is timed from when it was due
        let due = start + (interval ? rnd() * interval : 0);
        while (true) {
          if (interval) {
            if (due >= end) break;
            const wait = due - performance.now();
            if (wait > 0) await sleep(wait);
          } else if (performance.now() >= end) break;
          const t0 = interval ? due : performance.now();
          if (phase.kind === 'health') {
            try {
              const r = await request('GET', '/v1/health');
              state.statuses[r.status] = (state.statuses[r.status] ?? 0) + 1;
              if (r.status !== 200) state.failures++;
            } catch {
              state.failures++;
            }
          } else {
            let v = visitors[c];
            if (!v || v.batches >= BATCHES_PER_VISITOR) v = visitors[c] = new Visitor(cfg.run, c, ++visitorSeq[c], rnd);
            const batch = v.batch();
            await deliver(v, batch, state);
            events += batch.events.length;
          }
          latencies.push(performance.now() - t0);
          if (cfg.timeline) timeline.push(`${phase.name} ${(t0 - start).toFixed(1)} ${(performance.now() - t0).toFixed(1)}`);
          due += interval;
        }
      }),
    );
    const drainStart = performance.now();
    if (phase.drainAfter) await drain();
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await edge(index, 'end');
    latencies.sort((a, b) => a - b);
    const r: PhaseResult = {
      name: phase.name,
      kind: phase.kind,
      seconds: +seconds.toFixed(1),
      requests: latencies.length,
      events,
      target_rate: rate ? +rate.toFixed(1) : null,
      requests_per_s: +(latencies.length / seconds).toFixed(1),
      events_per_s: +(events / seconds).toFixed(1),
      p50_ms: +pct(latencies, 50).toFixed(1),
      p99_ms: +pct(latencies, 99).toFixed(1),
      max_ms: +(latencies.at(-1) ?? 0).toFixed(1),
      failures: state.failures,
      statuses: state.statuses,
      driver_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      drain_seconds: +drainSeconds.toFixed(1),
      latencies,
    };
    results.push(r);
    if (!phase.name.includes('#')) log(`  ${r.name}: ${r.requests_per_s} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms${r.failures ? `, ${r.failures} failed attempts` : ''}`);
  }

  if (cfg.timeline) writeFileSync(cfg.timeline, timeline.join('\n') + '\n');

  // ---- read every visitor back ---------------------------------------------------------------
  await drain();
  let stored = 0;
  let missing = 0;
  let duplicates = 0;
  let unexpected = 0;
  let mismatches = 0;
  const examples: unknown[] = [];
  const ids = [...sent.keys()];
  const admin = { authorization: `Bearer ${cfg.adminKey}` };
  const getJson = async (path: string) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await request('GET', path, undefined, admin);
        if (r.status === 200) return JSON.parse(r.text);
        if (attempt > 20) throw new Error(`${path}: ${r.status} ${r.text}`);
      } catch (err) {
        if (attempt > 20) throw err;
      }
      await sleep(250);
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < ids.length) {
        const visitor = ids[next++];
        const mine = sent.get(visitor)!;
        const want = new Set([...mine.ids, ...[...mine.engagement.values()].map((e) => e.id)]);
        const { events, summary } = await getJson(`/v1/visitors/${visitor}/events?site=${cfg.site}&limit=10000`);
        const seen = new Set<string>();
        const engagementRows = new Set<string>();
        for (const e of events) {
          if (e.name === 'user_engagement' && e.page_id !== null) {
            if (engagementRows.has(e.page_id)) duplicates++; // a page view's second engagement row
            engagementRows.add(e.page_id);
          }
          if (seen.has(e.event_id)) duplicates++;
          else if (want.has(e.event_id)) stored++;
          else unexpected++;
          seen.add(e.event_id);
        }
        for (const id of want) if (!seen.has(id)) missing++;
        if (!cfg.checkProfiles) continue;
        // every stored event counted once in the visitor's summary and profile
        const profile = await getJson(`/v1/visitors/${visitor}/profile?site=${cfg.site}`);
        const count = (name: string) => events.filter((e: any) => e.name === name).length;
        const expected = {
          events: events.length,
          page_views: count('page_view'),
          product_views: count('view_item'),
          cart_adds: count('add_to_cart'),
          purchases: count('purchase'),
          revenue: events.filter((e: any) => e.name === 'purchase').reduce((s: number, e: any) => s + e.props.value, 0),
        };
        const actual = { events: summary?.events, ...Object.fromEntries(Object.keys(expected).slice(1).map((k) => [k, profile.lifetime[k]])) };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches++;
          if (examples.length < 3) examples.push({ visitor, expected, actual });
        }
      }
    }),
  );
  agent.destroy();
  const total = [...sent.values()].reduce((n, l) => n + l.ids.length + l.engagement.size, 0);
  return {
    phases: results,
    sent: total,
    events_sent: eventsSent,
    engagement_folded: eventsSent - total,
    stored,
    missing,
    duplicates,
    unexpected,
    visitors: ids.length,
    retried_batches: retried,
    rejected_events: rejectedEvents,
    profile_mismatches: cfg.checkProfiles ? mismatches : null,
    profile_examples: examples,
  };
}

// As a child process: the config comes as the first message, the result goes back as one message.
if (process.send && process.argv.includes('--driver')) {
  process.once('message', async (cfg: DriverConfig) => {
    const waiting = new Map<string, () => void>();
    process.on('message', (m: any) => m.ack && waiting.get(m.ack)?.());
    // the parent samples the server's CPU at each phase edge before the phase goes on
    const edge = (phase: number, at: string) => new Promise<void>((resolve) => {
      waiting.set(`${phase}:${at}`, resolve);
      process.send!({ edge: { phase, at } });
    });
    try {
      const result = await drive(cfg, (line) => process.send!({ log: line }), edge);
      process.send!({ result }, () => process.exit(0));
    } catch (err) {
      process.send!({ error: String((err as Error)?.stack ?? err) }, () => process.exit(1));
    }
  });
}

/** Runs the driver in a child process (forked with the same loader), so it does not share the server's or the parent's CPU. */
export async function driveInChild(cfg: DriverConfig, log: (line: string) => void, onEdge: (phase: number, at: 'start' | 'end') => void = () => {}): Promise<DriverResult> {
  const { fork } = await import('node:child_process');
  const child = fork(new URL(import.meta.url).pathname, ['--driver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: any) => {
      if (m.log) log(m.log);
      if (m.edge) {
        onEdge(m.edge.phase, m.edge.at);
        child.send({ ack: `${m.edge.phase}:${m.edge.at}` });
      }
      if (m.result) resolve(m.result);
      if (m.error) reject(new Error(m.error));
    });
    child.on('exit', (code) => code && reject(new Error(`load driver exited with ${code}`)));
    child.send(cfg);
  });
}
