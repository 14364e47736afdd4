// npm run bench:sdk-cost — what the tracker costs a page's main thread in Chromium with the CPU
// throttled 4× (a mid-range phone): the same product page with and without the SDK, on a first
// visit (empty storage) and a returning one, medians of several loads. The collector is stubbed.
//
// Per load, from navigation until the page has been quiet for a while (the tracker's first batch
// leaves 1 s after the first event, and its store opens when the page is idle):
//   script ms  Performance.getMetrics ScriptDuration (JavaScript run on the main thread)
//   task ms    TaskDuration (all main-thread tasks: script, style, layout, IndexedDB callbacks, …)
//   long tasks PerformanceObserver "longtask" entries (> 50 ms)
// What a variant adds is the difference of its median and the page without a tracker's; `paired_*`
// is the median of the differences load by load (each round loads every variant in turn).
//
// Options (environment): LOADS (default 7), SETTLE_MS (default 3000), CPU_RATE (default 4),
// COMPARE=path/to/other-linger.js (e.g. an earlier build, measured in the same run as "compare"),
// BASE=path/to/other/dist (another build's linger.js with its lazily loaded files, measured as
// "base": e.g. a copy of main's sdk/dist before a change), VISITS=first (default first,returning),
// PLAUSIBLE=path/to/plausible-script.js (a Plausible build for the script tag, when one is at hand).
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const LOADS = Number(process.env.LOADS ?? 7);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 3_000);
const CPU_RATE = Number(process.env.CPU_RATE ?? 4);
const ORIGIN = 'http://localhost:9'; // localhost is a secure context, as a shop's HTTPS is

const scripts = {
  linger: readFileSync(new URL('../sdk/dist/linger.js', import.meta.url)),
  // The durable outbox, which the tracker loads beside itself only when a page needs it.
  store: readFileSync(new URL('../sdk/dist/linger-store.js', import.meta.url)),
  // The product tracking, which it loads on pages with product markup (this page has some).
  items: readFileSync(new URL('../sdk/dist/linger-items.js', import.meta.url)),
};
if (process.env.COMPARE) scripts.compare = readFileSync(process.env.COMPARE);
const BASE = process.env.BASE;
if (BASE) scripts.base = readFileSync(`${BASE}/linger.js`);
const VISITS = (process.env.VISITS ?? 'first,returning').split(',');
if (process.env.PLAUSIBLE && existsSync(process.env.PLAUSIBLE)) scripts.plausible = readFileSync(process.env.PLAUSIBLE);

/** What each variant adds to the page's head. */
const SNIPPETS = {
  none: '',
  linger: `<script>window.linger=window.linger||function(){(linger.q=linger.q||[]).push(arguments)};linger('init',{site:'bench'});</script>
<script async src="/sdk/linger.js"></script>`,
  compare: `<script>window.linger=window.linger||function(){(linger.q=linger.q||[]).push(arguments)};linger('init',{site:'bench'});</script>
<script async src="/sdk/compare.js"></script>`,
  base: `<script>window.linger=window.linger||function(){(linger.q=linger.q||[]).push(arguments)};linger('init',{site:'bench'});</script>
<script async src="/base/linger.js"></script>`,
  plausible: '<script defer data-domain="shop.example" data-api="/api/event" src="/js/plausible.js"></script>',
};
const variants = Object.keys(SNIPPETS).filter((v) => v === 'none' || scripts[v]);

/** A product page like a shop's: a product, a related-products list, some text. */
const page = (snippet) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Classic Sneaker · Shop</title>
<style>body{font:16px system-ui;margin:0 auto;max-width:60rem}ul{display:grid;grid-template-columns:repeat(4,1fr);gap:1rem;list-style:none;padding:0}li{border:1px solid #ddd;padding:1rem}</style>
${snippet}</head><body><header><a href="/">shop</a> <a href="/cart">Cart</a></header>
<main><article data-linger-view-item data-linger-item="p001" data-linger-name="Classic Sneaker" data-linger-category="Shoes" data-linger-price="49.90">
<h1>Classic Sneaker</h1><p>${'A comfortable everyday sneaker. '.repeat(40)}</p><button data-linger-event="add_to_cart">Add to cart</button></article>
<h2>Related</h2><ul data-linger-list="Related">${Array.from({ length: 12 }, (_, i) => `<li data-linger-item="p${100 + i}" data-linger-name="Product ${i}" data-linger-price="${10 + i}.00"><a href="/p/p${100 + i}">Product ${i}</a></li>`).join('')}</ul>
</main></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-extensions'],
});
let received = 0;
/** Loads of the durable outbox's file. */
let storeLoads = 0;

async function newContext() {
  const context = await browser.newContext();
  await context.route(`${ORIGIN}/**`, (route) => {
    const { pathname } = new URL(route.request().url());
    const js = (body) => route.fulfill({ body, contentType: 'text/javascript', headers: { 'cache-control': 'max-age=3600' } });
    if (pathname === '/sdk/linger.js') return js(scripts.linger);
    if (pathname === '/sdk/linger-store.js') return storeLoads++, js(scripts.store);
    if (pathname === '/sdk/linger-items.js') return js(scripts.items);
    if (pathname === '/sdk/compare.js') return js(scripts.compare);
    if (BASE && pathname.startsWith('/base/linger')) return pathname === '/base/linger-store.js' && storeLoads++, js(readFileSync(`${BASE}/${pathname.slice(6)}`));
    if (pathname === '/js/plausible.js') return js(scripts.plausible);
    if (pathname === '/v1/collect' || pathname === '/api/event') {
      received++;
      return route.fulfill({ status: 202, body: '{"accepted":1,"duplicates":0,"rejected":[]}', contentType: 'application/json' });
    }
    const variant = pathname.slice(1) || 'none';
    return route.fulfill({ body: page(SNIPPETS[variant] ?? ''), contentType: 'text/html' });
  });
  // Long tasks of the whole load, from the first moment of each document.
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  return context;
}

/** One load of the variant's page in this context: main-thread figures in ms. */
async function load(context, variant) {
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await tab.goto(`${ORIGIN}/${variant === 'none' ? '' : variant}`, { waitUntil: 'load' });
  await tab.waitForTimeout(SETTLE_MS);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => 1000 * metrics.find((m) => m.name === name).value;
  const longTasks = await tab.evaluate(() => window.__longTasks);
  await tab.close();
  return { script: metric('ScriptDuration'), task: metric('TaskDuration'), longTasks: longTasks.length, longTaskMs: longTasks.reduce((a, b) => a + b, 0) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (runs) => ({
  script_ms: median(runs.map((r) => r.script)),
  task_ms: median(runs.map((r) => r.task)),
  long_tasks: median(runs.map((r) => r.longTasks)),
  long_task_ms: median(runs.map((r) => r.longTaskMs)),
});

const results = {};
for (const visit of VISITS) {
  results[visit] = {};
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  // Interleaved, so a slow moment of the machine falls on every variant alike.
  for (let i = 0; i < LOADS; i++) {
    for (const variant of variants) {
      const context = await newContext();
      if (visit === 'returning') await load(context, variant); // the visit before: storage, queue and cache exist
      runs[variant].push(await load(context, variant));
      await context.close();
    }
  }
  for (const v of variants) {
    results[visit][v] = summary(runs[v]);
    // Paired: each load against the page without a tracker loaded in the same round, so a slow
    // moment of the machine cancels out instead of moving one side's median.
    if (v !== 'none') {
      results[visit][v].paired_added_script_ms = median(runs[v].map((r, i) => r.script - runs.none[i].script));
      results[visit][v].paired_added_task_ms = median(runs[v].map((r, i) => r.task - runs.none[i].task));
    }
  }
}
await browser.close();

const f = (x) => x.toFixed(1).padStart(7);
const rows = [];
for (const visit of VISITS) {
  const base = results[visit].none;
  for (const v of variants) {
    const r = results[visit][v];
    r.added_script_ms = r.script_ms - base.script_ms;
    r.added_task_ms = r.task_ms - base.task_ms;
    r.added_long_tasks = r.long_tasks - base.long_tasks;
    rows.push(`  ${visit.padEnd(10)} ${v.padEnd(10)} ${f(r.script_ms)} ${f(r.task_ms)} ${String(r.long_tasks).padStart(6)}   ${v === 'none' ? '' : `+${r.added_script_ms.toFixed(1)} script, +${r.added_task_ms.toFixed(1)} task, +${r.added_long_tasks} long (paired: +${r.paired_added_script_ms.toFixed(1)} script, +${r.paired_added_task_ms.toFixed(1)} task)`}`);
  }
}
console.log(`Main-thread cost of the tracker, Chromium, CPU throttled ${CPU_RATE}×, medians of ${LOADS} loads (until ${SETTLE_MS} ms after load)
  visit      page       script ms  task ms  long tasks   added over the page without a tracker
${rows.join('\n')}
  collector requests answered: ${received}; durable outbox loads: ${storeLoads}`);
console.log(JSON.stringify({ cpu_throttling: CPU_RATE, loads: LOADS, settle_ms: SETTLE_MS, ...results }));
