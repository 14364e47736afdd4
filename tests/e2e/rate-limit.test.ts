// Rate limits end to end in Chromium: a shop whose per-visitor limit is low, and a visitor who
// browses several pages fast. The collector answers 429 with Retry-After; the SDK keeps the
// events, sends nothing more until Retry-After has passed, and then delivers every event exactly
// once. (The limit counts in fixed one-minute windows, so the test waits at most about a minute.)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_OPERATOR_KEY } from '../../worker/dev/local-worker';
import { eventually, launch, stayActive } from './browser';

const base = inject('baseUrl');
// A shop of its own, made with the operator key, so that its low limit touches no other test.
const SITE = { site: 'rate-limit-e2e', adminKey: '' };
const VISITOR_PER_MINUTE = 2;
const PAGES = ['/rl/p1', '/rl/p2', '/rl/p3', '/rl/p4', '/rl/p5'];
let browser: Browser;

/** A product page of that shop, with the tracker as a shop embeds it. */
const productPage = (path: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${path}</title>
<script>window.linger=window.linger||function(){(linger.q=linger.q||[]).push(arguments)};linger('init',{site:'${SITE.site}'});</script>
<script async src="/sdk/linger.js"></script></head><body>
<main data-linger-view-item data-linger-item="${path.slice(4)}" data-linger-name="Product ${path}" data-linger-price="10"><h1>Product ${path}</h1>
<p>${'Text to read. '.repeat(50)}</p></main></body></html>`;

async function storedEvents(visitor: string): Promise<any[]> {
  const res = await fetch(`${base}/v1/visitors/${visitor}/events?site=${SITE.site}`, { headers: { authorization: `Bearer ${SITE.adminKey}` } });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json<any>()).events;
}

const visitorOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('linger:state') ?? '{}').visitor as string | undefined);

beforeAll(async () => {
  const created = await fetch(`${base}/v1/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LOCAL_OPERATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key: SITE.site, name: 'Rate limit e2e', origins: [base], settings: { rateLimits: { visitorPerMinute: VISITOR_PER_MINUTE } } }),
  });
  expect(created.status).toBe(201);
  SITE.adminKey = (await created.json<any>()).admin_key;
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('rate limits in a real browser', () => {
  it('the SDK backs off on 429 as Retry-After says, and later delivers every event exactly once', async () => {
    const context = await browser.newContext();
    await context.route(`${base}/rl/**`, (route) => route.fulfill({ body: productPage(new URL(route.request().url()).pathname), contentType: 'text/html' }));
    /** Every collect request (fetch or beacon): when it left, and what came back. */
    const requests: { at: number; status?: number; retryAfter?: number }[] = [];
    const sent = new Map<object, (typeof requests)[number]>();
    context.on('request', (req) => {
      if (req.method() !== 'POST' || !req.url().includes('/v1/collect')) return;
      const r = { at: Date.now() };
      requests.push(r);
      sent.set(req, r);
    });
    context.on('response', (res) => {
      const r = sent.get(res.request());
      if (!r) return;
      r.status = res.status();
      r.retryAfter = Number(res.headers()['retry-after']) || undefined;
    });

    const page = await context.newPage();
    /** When the last page was there (the previous page's beacon has left by then). */
    let lastPage = 0;
    for (const path of PAGES) {
      await page.goto(`${base}${path}`);
      lastPage = Date.now();
      await stayActive(page, 1_300); // long enough for the page's first batch (1 s after its first event)
    }
    const visitor = await visitorOf(page);
    expect(visitor).toMatch(/^[0-9a-f]{32}$/);

    const events = await eventually(async () => {
      const events = await storedEvents(visitor!);
      for (const path of PAGES) {
        const views = events.filter((e) => e.name === 'page_view' && new URL(e.url).pathname === path);
        expect(views, path).toHaveLength(1);
        expect(events.filter((e) => e.name === 'view_item' && e.page_id === views[0].page_id), path).toHaveLength(1);
      }
      // Every page the visitor left sent its final engagement report.
      expect(events.filter((e) => e.name === 'user_engagement' && e.props.final === true)).toHaveLength(PAGES.length - 1);
      return events;
    }, 80_000);

    // Exactly once: no seq and no event id twice. (A gap in seq is a page view's earlier
    // engagement report, which its latest one replaced: the collector keeps one row per page view.)
    const seqs = events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    const gaps = Array.from({ length: Math.max(...seqs) }, (_, i) => i + 1).filter((n) => !seqs.includes(n));
    expect(gaps.length).toBeLessThanOrEqual(PAGES.length * 2); // at most a few heartbeats per page
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);

    // The collector did limit the visitor, with Retry-After.
    const limited = requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.retryAfter! >= 1 && r.retryAfter! <= 60)).toBe(true);
    // On the last page, where the visitor stayed, the SDK sent nothing while a Retry-After ran:
    // after each 429 the next request waited until the collector said it could come. (Each new
    // page may try once: the wait is kept in the page's memory.)
    const later = requests.filter((r) => r.at >= lastPage);
    for (const r of later.filter((r) => r.status === 429)) {
      const next = later.find((n) => n.at > r.at);
      if (next) expect(next.at - r.at, 'the next request after a 429').toBeGreaterThanOrEqual(r.retryAfter! * 1000 - 1_000);
    }
    // And it did not hammer: a handful of requests from the last page, not a retry loop.
    expect(later.length).toBeLessThanOrEqual(3);
    await context.close();
  }, 120_000);
});
