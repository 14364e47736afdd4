import { vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import * as durable from '../../sdk/src/durable';
import * as items from '../../sdk/src/items';
import * as promotions from '../../sdk/src/promotions';
import { STORE_FILE } from '../../sdk/src/store';

/** Fresh, empty browser storage (IndexedDB and localStorage) for each test. */
export function freshStorage() {
  globalThis.indexedDB = new IDBFactory();
  localStorage.clear();
}

/**
 * A collector that records what it is sent and answers with scripted statuses (default 202):
 * `post` and `beacon` as the outbox takes them.
 */
export function fakeTransport(statuses: (number | 'network' | [number, string])[] = []) {
  const posts: any[] = [];
  const beacons: any[] = [];
  return {
    posts,
    beacons,
    async post(body: string) {
      posts.push(JSON.parse(body));
      const next = statuses.shift() ?? 202;
      if (next === 'network') throw new TypeError('Failed to fetch');
      const [status, retryAfter] = Array.isArray(next) ? next : [next];
      return new Response(null, { status, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
    },
    beacon(body: string) {
      beacons.push(JSON.parse(body));
      return true;
    },
  };
}

/** Lets IndexedDB callbacks and promise chains settle (fake-indexeddb schedules with setImmediate). */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Advances fake time `step` by `step`, letting storage and the tracker's promises settle between (a page running for `ms`). */
export async function advance(ms: number, step = 1_000) {
  for (let t = 0; t < ms; t += step) {
    await settle(200);
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - t));
  }
  await settle(200);
}

export function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); // (as a browser fires it: up to the window)
}

/** The page is hidden and left (a tab closed, a navigation): what the tracker hears then. */
export function hidePage() {
  setVisibility('hidden');
  dispatchEvent(new Event('pagehide'));
}

/** A visible page at `url`, online, with no Do Not Track. */
export function openPage(url = 'https://shop.example/') {
  Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
  Object.defineProperty(navigator, 'doNotTrack', { value: null, configurable: true });
  setVisibility('visible');
  history.replaceState(null, '', url);
}

/** After a test: its trackers stop (their pages are gone), and the fakes go. */
export async function closePages(trackers: ((...args: any[]) => unknown)[]) {
  for (const linger of trackers) linger('consent', false);
  await settle(50);
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
}

/** Every localStorage key. */
export const localKeys = () => Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)!);

/**
 * The tracker's importer in tests: its durable outbox's file (linger-store.js), its promotion
 * fields' (linger-promo.js) and its product tracking's (linger-items.js) come from the source;
 * any other file goes to `other` (by default it cannot be loaded, as when offline).
 */
export const importer =
  (other: (url: string) => Promise<any> = (url) => Promise.reject(new Error(`not loadable: ${url}`))) =>
  (url: string) =>
    url.includes(STORE_FILE)
      ? Promise.resolve(durable)
      : url.includes(promotions.PROMO_FILE)
        ? Promise.resolve(promotions)
        : url.includes(items.ITEMS_FILE)
          ? Promise.resolve(items)
          : other(url);
