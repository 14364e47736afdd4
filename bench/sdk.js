// npm run bench:sdk — the tracker's size, and its main-thread cost per tracked event in Chromium.
// The page is served by Playwright's router on a localhost origin (a secure context, as shops' HTTPS is).
// Baseline in the same run: a minimal tracker that builds the same event and hands it to
// sendBeacon (what a queue-less tracker such as Plausible does per event).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const CALLS = Number(process.env.CALLS ?? 1000);
const code = readFileSync(new URL('../sdk/dist/linger.js', import.meta.url));
const size = {
  raw: code.length,
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
};

const PAGE = `<!doctype html><html><head><title>bench</title>
<script>window.linger=window.linger||function(){(linger.q=linger.q||[]).push(arguments)};linger('init',{site:'bench'});</script>
<script src="/sdk/linger.js"></script></head><body><main>bench</main></body></html>`;

const BASELINE = `
let seq = 0;
window.baselineTrack = (name, props) => {
  const now = Date.now();
  const e = { event_id: crypto.randomUUID(), name, visitor_id: 'v', session_id: 's', seq: ++seq, ts: now, url: location.href, props };
  navigator.sendBeacon('/v1/collect?site=bench', JSON.stringify({ events: [e] }));
};`;

const BLOCK = 10;

/**
 * Times `calls` synchronous calls of `fn` in the page, in blocks of 10 (the page's clock is
 * coarsened to 0.1 ms); returns per-call milliseconds of each block, sorted. Blocks are spaced
 * by a macrotask so the tracker's IndexedDB work runs between them, as it would between clicks.
 */
async function time(page, fnSource, calls) {
  return page.evaluate(
    async ({ fnSource, calls, BLOCK }) => {
      const fn = new Function('i', fnSource);
      const t = [];
      for (let i = 0; i < calls; i += BLOCK) {
        const start = performance.now();
        for (let j = i; j < i + BLOCK; j++) fn(j);
        t.push((performance.now() - start) / BLOCK);
        await new Promise((r) => setTimeout(r, 0));
      }
      return t.sort((a, b) => a - b);
    },
    { fnSource, calls, BLOCK },
  );
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-precise-memory-info'],
});
const page = await browser.newPage();
let received = 0; // tracker events (the baseline's have visitor "v")
await page.route('http://localhost:9/**', (route) => {
  const url = new URL(route.request().url());
  if (url.pathname === '/sdk/linger.js') return route.fulfill({ body: code, contentType: 'text/javascript' });
  if (url.pathname === '/v1/collect') {
    received += JSON.parse(route.request().postData() ?? '{"events":[]}').events.filter((e) => e.name === 'search' && e.visitor_id !== 'v').length;
    return route.fulfill({ status: 202, body: '{"accepted":0,"duplicates":0,"rejected":[]}', contentType: 'application/json' });
  }
  return route.fulfill({ body: PAGE, contentType: 'text/html' });
});
await page.goto('http://localhost:9/');
await page.evaluate(() => new Promise((r) => window.linger('visitor', r)));
await page.addScriptTag({ content: BASELINE });

const track = await time(page, "linger('track', 'search', { search_term: 'term ' + i })", CALLS);
const baseline = await time(page, "baselineTrack('search', { search_term: 'term ' + i })", CALLS);
// Everything tracked reaches the (stubbed) collector: wait until it has every search. (The queue
// may live in the page's memory and localStorage, the lite outbox's, or in IndexedDB once the
// durable one took over: counting what arrives covers both. Waiting on the IndexedDB queue alone
// hung once the lite outbox sent everything itself and no database was ever made.)
const drainStart = Date.now();
while (received < CALLS) {
  if (Date.now() - drainStart > 120_000) throw new Error(`the queue did not drain in 2 minutes: ${received} of ${CALLS} searches arrived`);
  await new Promise((r) => setTimeout(r, 50));
}
const drainMs = Date.now() - drainStart;
await browser.close();

const result = {
  size_bytes: size,
  calls: CALLS,
  track_ms: { median: pct(track, 50), p95: pct(track, 95) },
  baseline_ms: { median: pct(baseline, 50), p95: pct(baseline, 95) },
  median_ratio_vs_baseline: pct(track, 50) / pct(baseline, 50),
  drain_ms_after_last_call: drainMs,
  events_received: received,
};
const f = (x) => x.toFixed(4);
console.log(`Linger tracker (sdk/dist/linger.js)
  size            raw ${size.raw} B   gzip ${size.gzip} B   brotli ${size.brotli} B   (budget 3500 B gzip: tests/sdk/size.test.ts)
  main thread     per track() call over ${CALLS} calls, median/p95 of blocks of ${BLOCK} in Chromium
                  linger    median ${f(result.track_ms.median)} ms   p95 ${f(result.track_ms.p95)} ms
                  baseline  median ${f(result.baseline_ms.median)} ms   p95 ${f(result.baseline_ms.p95)} ms   (build event + sendBeacon, no queue)
                  ratio     ${result.median_ratio_vs_baseline.toFixed(2)}× baseline median
  delivery        queue drained ${drainMs} ms after the last call; collector received ${received} of ${CALLS} searches (beacons on hide may add repeats)`);
console.log(JSON.stringify(result));
