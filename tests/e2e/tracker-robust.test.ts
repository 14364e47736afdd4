// What a page can hand the tracker, in real Chromium against the real collector: a landing URL
// longer than the schema takes, and events that cannot be sent (larger than a keepalive request
// may be, a BigInt, a cycle). None of them may cost the page's other events.
import { describe, expect, inject, it } from 'vitest';
import { DEMO_SITE } from '../../worker/seed.js';
import { browserPerFile, eventually, queuedInBrowser, visitorOf } from './browser';

const base = inject('baseUrl');
const browser = browserPerFile();

/** The visitor's stored events and summary (with the count of events their browser gave up). */
async function visitorData(visitor: string): Promise<{ events: any[]; summary: any }> {
  const res = await fetch(`${base}/v1/visitors/${visitor}/events?site=${DEMO_SITE.site}`, { headers: { authorization: `Bearer ${DEMO_SITE.adminKey}` } });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

describe('the tracker against what a page hands it', () => {
  it('keeps a long landing URL\'s page and campaign, gives up unsendable events alone, and delivers everything else', async () => {
    const context = await browser().newContext();
    const storeLoads: string[] = [];
    context.on('request', (r) => r.url().includes('linger-store.js') && storeLoads.push(r.url()));
    const page = await context.newPage();
    await page.goto(`${base}/?utm_source=news&utm_content=${'x'.repeat(2_100)}`);
    const visitor = await visitorOf(page);
    await page.evaluate(() => {
      const linger = (window as any).linger;
      const cyclic: any = { search_term: 'cycle' };
      cyclic.self = cyclic;
      linger('track', 'search', { search_term: 'too large', note: 'x'.repeat(70_000) });
      linger('track', 'search', { search_term: 'bigint', qty: BigInt(10) });
      linger('track', 'search', cyclic);
      linger('track', 'search', { search_term: 'good after bad' });
    });
    await page.waitForTimeout(1_500);
    for (const path of ['/c/shoes', '/c/bags']) {
      await page.goto(`${base}${path}`);
      await visitorOf(page);
    }
    const { events } = await eventually(async () => {
      const data = await visitorData(visitor);
      const landing = data.events.find((e) => e.name === 'page_view' && new URL(e.url).pathname === '/');
      expect(landing).toBeDefined();
      expect(landing.url.length).toBeLessThanOrEqual(2048);
      expect(landing.url).toMatch(/^http:\/\/[^/]+\/\?utm_source=news&utm_content=x+$/);
      expect(landing.utm).toMatchObject({ source: 'news' });
      const searches = data.events.filter((e) => e.name === 'search').map((e) => e.props.search_term);
      expect(searches).toEqual(['good after bad']);
      // the landing page's final engagement report (it went with the page's hide)
      expect(data.events.some((e) => e.name === 'user_engagement' && e.page_id === landing.page_id && e.props.final === true)).toBe(true);
      expect(data.events.filter((e) => e.name === 'page_view')).toHaveLength(3);
      expect(data.summary.dropped).toBe(3);
      return data;
    }, 30_000);
    // every event of the landing page was stored: none was refused for its URL
    expect(events.filter((e) => e.page_id === events.find((x) => x.name === 'page_view').page_id).every((e) => e.url.length <= 2048)).toBe(true);
    expect(await queuedInBrowser(page)).toBe(0);
    expect(storeLoads).toEqual([]); // delivery never needed the durable outbox
    await context.close();
  });
});
