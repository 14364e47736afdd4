// npm run bench:decide [-- --campaigns 50 --visitors 2000 --requests 1000 --port 8832]
// A local worker (wrangler dev) with a synthetic shop: a catalog, visitors with sessions, carts
// and UTMs sent through the real collector, and 50 live campaigns (promotions and recommendation
// slots, with targeting, caps and holdouts) created through the admin API. Then it measures
// GET /v1/decide as a page would call it, one page view at a time. Baseline in the same run:
// GET /v1/health, which does no work, and GET /v1/recs for the same visitor (one shard read and
// one recommender call, what a page did before campaigns). Target: p95 ≤ 25 ms.
import { startLocalWorker } from '../worker/dev/local-worker';
import { seededRandom } from '../worker/src/ml/random';
import { args } from './data';
// Personalized reads carry the visitor's token, as the SDK sends it (docs/security.md).
import { visitorToken } from '../sim/client';

const a = args();
const CAMPAIGNS = Number(a.campaigns ?? 50);
const VISITORS = Number(a.visitors ?? 2_000);
const REQUESTS = Number(a.requests ?? 1_000);
const PORT = Number(a.port ?? 8832);
const ITEMS = 500;
const CATEGORIES = ['Shoes', 'Bags', 'Hats', 'Socks', 'Coats', 'Shirts', 'Belts', 'Scarves'];
const SITE = 'bench-decide';
const ADMIN = { authorization: 'Bearer bench-admin-key', 'content-type': 'application/json' };
const TARGET_P95_MS = 25;

const random = seededRandom(23);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
const catalog = Array.from({ length: ITEMS }, (_, i) => ({
  id: `i${String(i).padStart(4, '0')}`, name: `Item ${i}`, category: CATEGORIES[i % CATEGORIES.length], price: Math.round(5 + random() * 200), inStock: random() > 0.05,
}));
const visitors = Array.from({ length: VISITORS }, (_, i) => `visitor-${String(i).padStart(6, '0')}`);

/** Page types and the slots their pages declare (the recommendation slots fall back to recommendations). */
const PAGES = {
  home: { slots: ['home-hero', 'home-recs'], fallback: ['home-recs'] },
  category: { slots: ['category-banner', 'category-recs'], fallback: ['category-recs'] },
  product: { slots: ['pdp-promo', 'pdp-recs'], fallback: ['pdp-recs'] },
  cart: { slots: ['cart-upsell', 'cart-banner', 'exit-modal'], fallback: ['cart-upsell'] },
  search: { slots: ['search-banner'], fallback: [] },
} as const;
const PROMO_SLOTS = ['home-hero', 'category-banner', 'pdp-promo', 'cart-banner', 'exit-modal', 'search-banner'];
const REC_SLOTS = ['home-recs', 'category-recs', 'pdp-recs', 'cart-upsell'];

/** A campaign with a few targeting rules drawn at random, like a shop with many running at once. */
function campaign(i: number) {
  const recommendation = i % 5 === 0;
  const targeting: Record<string, unknown> = {};
  if (random() < 0.4) targeting.intent_min = +(random() * 0.5).toFixed(2);
  if (random() < 0.2) targeting.devices = [pick(['desktop', 'mobile'])];
  if (random() < 0.2) targeting.visitor = pick(['new', 'returning']);
  if (random() < 0.2) targeting.cart_value_min = Math.round(random() * 100);
  if (random() < 0.15) targeting.utm_source = [pick(['newsletter', 'ads', 'social'])];
  if (random() < 0.2) targeting.lifecycle = [pick(['new', 'engaged', 'returning', 'loyal'])];
  if (random() < 0.15) targeting.categories = [pick(CATEGORIES)];
  return {
    name: `Campaign ${i}`,
    type: recommendation ? 'recommendation' : 'promotion',
    slots: recommendation ? [pick(REC_SLOTS)] : [pick(PROMO_SLOTS), pick(PROMO_SLOTS)].filter((s, j, all) => all.indexOf(s) === j),
    start: Date.now() - 86_400_000,
    priority: Math.floor(random() * 100),
    holdout: pick([0.1, 0.2, 0.5]),
    caps: random() < 0.5 ? { per_day: 3, per_week: 10 } : {},
    targeting,
    variants: recommendation
      ? [{ name: 'recs', weight: 1, content: { title: 'Picked for you', strategy: pick(['personal', 'similar', 'bought_together', 'trending', 'recently_viewed']), limit: 6 } }]
      : [
          { name: 'a', weight: 1, content: { title: `Offer ${i}`, text: 'Use {code} today', code: `CODE${i}`, link: '/sale' } },
          { name: 'b', weight: 1, content: { title: `Offer ${i}, again`, text: 'Free shipping on {category}', link: '/shipping' } },
        ],
  };
}

let eventCounter = 0;
/** One visitor's session: views in a category, sometimes a cart; some arrive from a campaign. */
function session(visitor: string, now: number) {
  const sessionId = `s-${++eventCounter}-${Math.floor(random() * 1e9)}`;
  const utm = random() < 0.3 ? { source: pick(['newsletter', 'ads', 'social']), medium: 'cpc' } : undefined;
  const theme = pick(CATEGORIES);
  let ts = now - Math.floor(random() * 3 * 86_400_000);
  let seq = eventCounter * 100;
  const events: object[] = [];
  const ev = (name: string, props: object = {}) =>
    events.push({ event_id: `e-${++eventCounter}-${Math.floor(random() * 1e9)}`, name, visitor_id: visitor, session_id: sessionId, seq: seq++, ts: (ts += 5_000 + Math.floor(random() * 30_000)), url: 'https://bench.example/', utm, props });
  ev('page_view');
  const items = catalog.filter((c) => c.category === theme);
  for (let v = 2 + Math.floor(random() * 6); v > 0; v--) {
    const item = pick(items);
    ev('view_item', { item_id: item.id, item_category: item.category, price: item.price });
  }
  if (random() < 0.3) {
    const item = pick(items);
    ev('add_to_cart', { items: [{ item_id: item.id, item_category: item.category, price: item.price, quantity: 1 + Math.floor(random() * 2) }] });
  }
  return events;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sorted = (x: number[]) => [...x].sort((p, q) => p - q);

const worker = await startLocalWorker(PORT, (base) => ({ site: SITE, name: 'Decide bench', origins: [base], adminKey: 'bench-admin-key', readKey: 'bench-read-key', shards: 16 }), { items: catalog });
try {
  const { base } = worker;
  // ---- fill: visitors' sessions, then 50 campaigns -------------------------------------------
  const now = Date.now();
  const batches: { events: object[]; token: string }[] = [];
  for (const v of visitors) {
    const events = Array.from({ length: 1 + Math.floor(random() * 2) }, () => session(v, now)).flat();
    // the tracker sends the visitor's token with its batches, so the shard knows it before the first decision
    batches.push({ events: events.slice(0, 50), token: visitorToken(v) });
  }
  let sent = 0;
  const queue = batches.slice();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = queue.shift(); b; b = queue.shift()) {
        const res = await fetch(`${base}/v1/collect?site=${SITE}`, { method: 'POST', body: JSON.stringify(b) });
        if (res.status !== 202) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
        sent += b.events.length;
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 2_000)); // the recommender learns after each response
  await fetch(`${base}/v1/admin/retrain?site=${SITE}`, { method: 'POST', headers: ADMIN });
  for (let i = 0; i < CAMPAIGNS; i++) {
    const res = await fetch(`${base}/v1/admin/campaigns?site=${SITE}`, { method: 'POST', headers: ADMIN, body: JSON.stringify(campaign(i)) });
    if (res.status !== 201) throw new Error(`creating a campaign answered ${res.status}: ${await res.text()}`);
  }
  const listed = await (await fetch(`${base}/v1/admin/campaigns?site=${SITE}`, { headers: ADMIN })).json<any>();
  const live = listed.campaigns.filter((c: any) => c.live).length;

  // ---- measure --------------------------------------------------------------------------------
  const pages = Object.keys(PAGES) as (keyof typeof PAGES)[];
  const urls = Array.from({ length: REQUESTS }, () => {
    const page = pick(pages);
    const visitor = pick(visitors);
    const { slots, fallback } = PAGES[page];
    const item = page === 'product' ? `&item=${pick(catalog).id}` : '';
    const category = page === 'category' || page === 'product' ? `&category=${pick(CATEGORIES)}` : '';
    const exit = page === 'cart' && random() < 0.3 ? '&exit=1' : '';
    return { page, recs: `${base}/v1/recs?site=${SITE}&visitor=${visitor}&token=${visitorToken(visitor)}&context=home&limit=8`, url: `${base}/v1/decide?site=${SITE}&visitor=${visitor}&token=${visitorToken(visitor)}&page=${page}&slots=${slots.join(',')}${fallback.length ? `&fallback=${fallback.join(',')}` : ''}${item}${category}${exit}` };
  });
  const headers = { origin: base, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36' };
  const time = async (url: string) => {
    const start = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
    return { ms: performance.now() - start, body };
  };
  // warm up, and report some impressions so caps have something to count
  const exposures: object[] = [];
  for (const { url } of urls.slice(0, 100)) {
    const { body } = await time(url);
    const visitor = new URL(url).searchParams.get('visitor')!;
    for (const d of JSON.parse(body).decisions) {
      if (!d.campaign) continue;
      exposures.push({ event_id: `x-${++eventCounter}`, name: 'view_promotion', visitor_id: visitor, session_id: `sx-${visitor}`, seq: eventCounter, ts: Date.now(), url: 'https://bench.example/', props: { promotion_id: d.campaign, campaign_id: d.campaign, variant: d.variant, decision_id: d.decision_id, slot: d.slot, position: 0 } });
    }
  }
  for (let i = 0; i < exposures.length; i += 50) await fetch(`${base}/v1/collect?site=${SITE}`, { method: 'POST', body: JSON.stringify({ events: exposures.slice(i, i + 50) }) });
  for (let i = 0; i < 50; i++) await time(`${base}/v1/health`);

  const decide: number[] = [];
  const health: number[] = [];
  const recs: number[] = [];
  const byPage = new Map<string, number[]>();
  let decisions = 0;
  let holdouts = 0;
  let fallbacks = 0;
  for (const { page, url, recs: recsUrl } of urls) {
    const { ms, body } = await time(url);
    decide.push(ms);
    byPage.set(page, [...(byPage.get(page) ?? []), ms]);
    for (const d of JSON.parse(body).decisions) {
      if (d.campaign) decisions++;
      if (d.variant === 'holdout') holdouts++;
      if (!d.campaign) fallbacks++;
    }
    health.push((await time(`${base}/v1/health`)).ms);
    recs.push((await time(recsUrl)).ms);
  }
  const d = sorted(decide);
  const h = sorted(health);
  const r = sorted(recs);
  console.log(`\nSynthetic shop: ${ITEMS} items, ${VISITORS} visitors, ${sent} events; ${live} live campaigns of ${CAMPAIGNS} (${CAMPAIGNS / 5} recommendation slots)`);
  console.log(`  GET /v1/decide, ${REQUESTS} sequential page views (1-3 slots each, fallbacks on recommendation slots):`);
  console.log(`    all        p50 ${pct(d, 50).toFixed(2)} ms   p95 ${pct(d, 95).toFixed(2)} ms   p99 ${pct(d, 99).toFixed(2)} ms`);
  for (const [page, list] of byPage) console.log(`    ${page.padEnd(9)}  p50 ${pct(sorted(list), 50).toFixed(2)} ms   p95 ${pct(sorted(list), 95).toFixed(2)} ms   (${list.length})`);
  console.log(`  baseline GET /v1/health: p50 ${pct(h, 50).toFixed(2)} ms   p95 ${pct(h, 95).toFixed(2)} ms`);
  console.log(`  reference GET /v1/recs (home, same visitors): p50 ${pct(r, 50).toFixed(2)} ms   p95 ${pct(r, 95).toFixed(2)} ms`);
  console.log(`  ratio (p95 decide / p95 health): ${(pct(d, 95) / pct(h, 95)).toFixed(1)}×   target p95 ≤ ${TARGET_P95_MS} ms: ${pct(d, 95) <= TARGET_P95_MS ? 'met' : 'MISSED'}`);
  console.log(`  answers: ${decisions} campaign decisions (${holdouts} holdout), ${fallbacks} fallback recommendations; ${exposures.length} impressions reported in the warm-up`);
  console.log(
    JSON.stringify({
      campaigns: live,
      visitors: VISITORS,
      events: sent,
      requests: REQUESTS,
      decide_ms: { p50: +pct(d, 50).toFixed(2), p95: +pct(d, 95).toFixed(2), p99: +pct(d, 99).toFixed(2) },
      health_ms: { p50: +pct(h, 50).toFixed(2), p95: +pct(h, 95).toFixed(2) },
      recs_ms: { p50: +pct(r, 50).toFixed(2), p95: +pct(r, 95).toFixed(2) },
      ratio_p95: +(pct(d, 95) / pct(h, 95)).toFixed(2),
      target_p95_ms: TARGET_P95_MS,
      met: pct(d, 95) <= TARGET_P95_MS,
    }),
  );
} finally {
  await worker.stop();
}
