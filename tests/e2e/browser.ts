// Real Chromium (Debian's package) driven by playwright-core, and helpers to read what the
// collector stored.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_SITE } from '../../worker/seed.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A desktop Chrome user agent, for visits that should count as a person's. */
export const HUMAN_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/**
 * Launches Chromium. `human: true` hides the automation (navigator.webdriver is false), so the
 * collector treats the visits as people's and learns from them; the default is flagged as a bot.
 */
export async function launch({ human = false } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
  // The user agent is set for the whole browser: a beacon sent while a page unloads does not
  // carry a per-context override.
  if (human) args.push('--disable-blink-features=AutomationControlled', `--user-agent=${HUMAN_UA}`);
  return chromium.launch({ executablePath: CHROMIUM, args, ignoreDefaultArgs: human ? ['--enable-automation'] : [] });
}

/** One Chromium for the test file that calls it (launched before its tests, closed after): call the answer for it. */
export function browserPerFile(options?: { human?: boolean }): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch(options);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** Every event the browser made is stored exactly once: seq runs 1..N without gaps or repeats. */
export function expectNoGapsOrRepeats(events: any[]) {
  const seqs = events.map((e) => e.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
}

export async function profileOf(base: string, visitorId: string): Promise<any> {
  const res = await fetch(`${base}/v1/visitors/${visitorId}/profile?site=${DEMO_SITE.site}`, { headers: { authorization: `Bearer ${DEMO_SITE.adminKey}` } });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

/** The anonymous visitor id the SDK gave this browser context. */
export function visitorOf(page: Page): Promise<string> {
  return page.evaluate(() => new Promise<string>((resolve) => (window as any).linger('visitor', resolve)));
}

/** Event ids of every batch the browser sent to the collector (fetch and beacon alike). */
export function recordBatches(context: BrowserContext) {
  const batches: { events: any[] }[] = [];
  context.on('request', (req) => {
    if (req.method() === 'POST' && req.url().includes('/v1/collect')) {
      try {
        batches.push(JSON.parse(req.postData() ?? ''));
      } catch {
        /* not ours */
      }
    }
  });
  return batches;
}

export async function stored(base: string, visitorId: string): Promise<any[]> {
  const res = await fetch(`${base}/v1/visitors/${visitorId}/events?site=${DEMO_SITE.site}`, {
    headers: { authorization: `Bearer ${DEMO_SITE.adminKey}` },
  });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json<any>()).events;
}

/** Polls until `check` passes (it throws while it does not), for at most `ms`. */
export async function eventually<T>(check: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * How many events wait in the browser: in the SDK's IndexedDB queue (when the page made one; the
 * probe never creates it) and in its localStorage journal.
 */
export function queuedInBrowser(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let journal = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (!key.startsWith('linger:q')) continue;
      try {
        const list = JSON.parse(localStorage.getItem(key)!);
        if (Array.isArray(list)) journal += list.length;
        else if (Array.isArray(list?.events)) journal += list.events.length; // the SDK's journal: { events, dropped }
      } catch {
        /* not ours */
      }
    }
    const dbs = (await indexedDB.databases?.()) ?? [];
    if (!dbs.some((d) => d.name === 'linger')) return journal;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('linger');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('q')) return db.close(), resolve(journal);
        const req = db.transaction('q').objectStore('q').count();
        req.onsuccess = () => (db.close(), resolve(journal + req.result));
        req.onerror = () => reject(req.error);
      };
    });
  });
}

/** Moves the mouse every `stepMs` for `ms`: a visitor who is reading and active. */
export async function stayActive(page: Page, ms: number, stepMs = 500) {
  const end = Date.now() + ms;
  let x = 10;
  while (Date.now() < end) {
    x = (x % 600) + 17;
    await page.mouse.move(x, 200 + (x % 50));
    await new Promise((r) => setTimeout(r, Math.min(stepMs, end - Date.now())));
  }
}

/**
 * Waits until the page's product tracking file (linger-items.js, which the tracker loads on pages
 * with product markup) has arrived, as it has for a visitor who reads a list before clicking in
 * it: a click in product markup before then is held, and becomes a plain `click` instead of
 * `select_item` if the page is left before the file arrives (see sdk-items.test.ts).
 */
export function productTrackingLoaded(page: Page): Promise<unknown> {
  return page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/sdk/linger-items.js')));
}
