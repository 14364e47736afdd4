import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDropped, dropped } from '../../sdk/src/local';
import { createOutbox, type Outbox } from '../../sdk/src/outbox';
import { openStore } from '../../sdk/src/idb';
import type { Store } from '../../sdk/src/store';
import { fakeTransport, freshStorage, localKeys, settle } from './helpers';

/** What the pages' journals in localStorage hold. */
const journals = () => localKeys().filter((k) => k.startsWith('linger:q')).flatMap((k) => JSON.parse(localStorage.getItem(k)!).events);

const ev = (i: number, props = {}) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'page_view' as const, visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts: Date.now(), url: 'https://shop.example/', props });

/** Advances fake time and lets IndexedDB and the drain loop catch up. */
async function advance(ms: number) {
  await settle(400); // IndexedDB writes first: they arm the timers
  await vi.advanceTimersByTimeAsync(ms);
  await settle(400);
}

async function queued() {
  return (await (await openStore()).peek(10_000)).events;
}

/** Outboxes of this test: they listen on the shared window, so each is stopped when its test ends. */
let outboxes: Outbox[];
function outbox(t: ReturnType<typeof fakeTransport>, open: () => Promise<Store> = openStore, onHide = () => {}) {
  const o = createOutbox(open, t.post, t.beacon, { hidden: onHide, sync() {}, token: 'a'.repeat(32) });
  outboxes.push(o);
  return o;
}
const hide = () => dispatchEvent(new Event('pagehide'));

beforeEach(() => {
  freshStorage();
  outboxes = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.spyOn(Math, 'random').mockReturnValue(1); // backoff without jitter, so waits are exact
  Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
});
afterEach(() => {
  for (const o of outboxes) o.stop();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('outbox', () => {
  it('sends within a second of the first waiting event, however many follow', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    o.push(ev(1));
    for (let ms = 100; ms < 1_000; ms += 100) {
      await advance(100); // a steady stream must not postpone the flush
      o.push(ev(ms));
    }
    expect(t.posts).toHaveLength(0);
    await advance(100);
    expect(t.posts.map((p) => p.events.length)).toEqual([10]);
  });

  it('sends a full batch at once, in batches of at most 50, oldest first', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    for (let i = 0; i < 120; i++) o.push(ev(i));
    await advance(0);
    expect(t.posts.map((p) => p.events.length)).toEqual([50, 50, 20]);
    expect(t.posts[0].events[0].event_id).toBe('event-000000');
    expect(typeof t.posts[0].sent_at).toBe('number');
    expect(await queued()).toEqual([]);
  });

  it('keeps a batch to about 16 KB', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    for (let i = 0; i < 10; i++) o.push(ev(i, { label: 'x'.repeat(4_000) })); // about 4.2 KB each
    await advance(1_000);
    expect(t.posts.map((p) => p.events.length)).toEqual([3, 3, 3, 1]);
  });

  it('retries server errors and network failures with exponential backoff, keeping the events', async () => {
    const t = fakeTransport([503, 'network', 202]);
    const o = outbox(t);
    o.push(ev(1));
    await advance(1_000);
    expect(t.posts).toHaveLength(1);
    expect(await queued()).toHaveLength(1);
    await advance(1_999); // first retry after 2 s
    expect(t.posts).toHaveLength(1);
    await advance(1);
    expect(t.posts).toHaveLength(2);
    await advance(3_999); // second retry after 4 s
    expect(t.posts).toHaveLength(2);
    await advance(1);
    expect(t.posts).toHaveLength(3);
    expect(await queued()).toEqual([]);
    expect(t.posts.every((p) => p.events[0].event_id === 'event-000001')).toBe(true);
  });

  it('caps the backoff at 60 s and spreads retries with jitter', async () => {
    const t = fakeTransport(Array(10).fill(503));
    const o = outbox(t);
    o.push(ev(1));
    for (const wait of [1_000, 2_000, 4_000, 8_000, 16_000, 32_000]) await advance(wait);
    expect(t.posts).toHaveLength(6);
    vi.spyOn(Math, 'random').mockReturnValue(0.25); // the 7th failure draws a quarter of the cap
    await advance(60_000);
    expect(t.posts).toHaveLength(7);
    await advance(14_999);
    expect(t.posts).toHaveLength(7);
    await advance(1);
    expect(t.posts).toHaveLength(8);
  });

  it('honours Retry-After on 429 and 503, without splitting the batch', async () => {
    const t = fakeTransport([[429, '7'], [503, '3']]);
    const o = outbox(t);
    o.push(ev(1));
    o.push(ev(2));
    await advance(1_000);
    await advance(6_999);
    expect(t.posts).toHaveLength(1);
    await advance(1);
    expect(t.posts).toHaveLength(2);
    await advance(3_000);
    expect(t.posts.map((p) => p.events.length)).toEqual([2, 2, 2]);
  });

  it('drops a batch the collector refuses with another 4xx instead of retrying forever', async () => {
    const t = fakeTransport([400]);
    const o = outbox(t);
    o.push(ev(1));
    await advance(1_000);
    await advance(120_000);
    expect(t.posts).toHaveLength(1);
    expect(await queued()).toEqual([]);
  });

  it('splits a batch the collector keeps failing with 5xx, and gives up only on the event that fails alone while others get through', async () => {
    const t = fakeTransport();
    const post = t.post;
    t.post = (body: string) => (JSON.parse(body).events.some((e: any) => e.seq === 7) ? (t.posts.push(JSON.parse(body)), Promise.resolve(new Response(null, { status: 500 }))) : post(body));
    const o = outbox(t);
    for (let i = 1; i <= 12; i++) o.push(ev(i));
    await advance(2 * 60_000);
    const sent = t.posts.filter((p) => !p.events.some((e: any) => e.seq === 7));
    expect(sent.flatMap((p) => p.events.map((e: any) => e.seq)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]);
    expect(sent.reduce((n, p) => n + (p.dropped ?? 0), 0)).toBe(1);
    expect(await queued()).toEqual([]);
    // a bounded number of requests found it
    expect(t.posts.length).toBeLessThan(20);
  });

  it('waits while offline and sends as soon as the browser is back online', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    Object.defineProperty(navigator, 'onLine', { value: false, configurable: true });
    o.push(ev(1));
    await advance(10_000);
    expect(t.posts).toHaveLength(0);
    Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
    dispatchEvent(new Event('online'));
    await advance(10);
    expect(t.posts).toHaveLength(1);
  });

  it('reports dropped events once, with the next accepted batch', async () => {
    addDropped(3);
    const t = fakeTransport();
    const o = outbox(t);
    o.push(ev(1));
    await advance(1_000);
    o.push(ev(2));
    await advance(1_000);
    expect(t.posts.map((p) => p.dropped)).toEqual([3, 0]); // (0: none to report)
    expect(dropped()).toBe(0);
  });

  it('drops events older than a week and counts them', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    o.push({ ...ev(1), ts: Date.now() - 8 * 24 * 3_600_000 });
    o.push(ev(2));
    await advance(1_000);
    expect(t.posts.map((p) => p.events.map((e: any) => e.seq))).toEqual([[2]]);
    expect(t.posts[0].dropped).toBe(1);
  });

  it('on hide, beacons this page\'s events no beacon carried yet, once, and keeps them queued', async () => {
    Object.defineProperty(navigator, 'webdriver', { value: true, configurable: true });
    const t = fakeTransport(['network']);
    const hidden: string[] = [];
    // the tracker's final engagement report, made on the first of the two calls only
    const o = outbox(t, openStore, () => hidden.push('tracker') === 1 && o.push(ev(3)));
    o.push(ev(1));
    await advance(1_000); // fails: stays unconfirmed
    o.push(ev(2));
    await settle();
    hide();
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); // (still visible: no second hide)
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); // the same hide, seen twice
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    expect(hidden).toEqual(['tracker', 'tracker']);
    expect(t.beacons).toHaveLength(1);
    expect(t.beacons[0].events.map((e: any) => e.seq)).toEqual([1, 2, 3]);
    expect(t.beacons[0].webdriver).toBe(true);
    await settle();
    expect((await queued()).map((e) => e.seq)).toEqual([1, 2, 3]);
    Object.defineProperty(navigator, 'webdriver', { value: undefined, configurable: true });
  });

  it('keeps in localStorage, at hide, what IndexedDB does not hold yet; the next page queues it and takes it out', async () => {
    const t = fakeTransport();
    let openNow!: () => void;
    const slow = () => new Promise<void>((r) => (openNow = r)).then(openStore);
    const o = outbox(t, slow);
    o.push(ev(1)); // IndexedDB not open yet: the event waits in memory
    hide();
    expect(journals().map((e) => e.seq)).toEqual([1]);
    o.stop(); // the page is gone
    const next = outbox(t); // the next page
    await next.flush();
    await advance(1_000);
    expect(t.posts.flatMap((p) => p.events.map((e: any) => e.seq))).toEqual([1]);
    expect(journals()).toEqual([]);
    openNow?.();
  });

  it('takes an event out of localStorage once IndexedDB holds it', async () => {
    const t = fakeTransport(['network']);
    const o = outbox(t);
    await new Promise<void>((r) => o.ready(r)); // opens IndexedDB
    o.push(ev(1));
    hide(); // before IndexedDB's write completes
    expect(journals().map((e) => e.seq)).toEqual([1]);
    await settle();
    expect(journals()).toEqual([]);
    expect((await queued()).map((e) => e.seq)).toEqual([1]);
  });

  it('keeps the journals of tabs that hide at the same moment apart, and counts what a journal could not keep', async () => {
    const t = fakeTransport();
    const never = () => new Promise<Store>(() => {});
    const tabA = outbox(t, never);
    const tabB = outbox(t, never);
    tabA.push(ev(1));
    for (let i = 2; i <= 252; i++) tabB.push(ev(i)); // 251: beyond the 200 a journal keeps
    hide(); // the window closes: both tabs hide
    tabA.stop();
    tabB.stop();
    expect(journals().map((e) => e.seq).sort((a, b) => a - b)).toEqual([1, ...Array.from({ length: 200 }, (_, i) => 53 + i)]);
    const next = outbox(t); // the next page takes both
    expect(localKeys().filter((k) => k.startsWith('linger:q'))).toEqual([]);
    expect(dropped()).toBe(51);
    await next.flush();
    await advance(1_000);
    expect(t.posts.flatMap((p) => p.events.map((e: any) => e.seq)).sort((a, b) => a - b)).toEqual([1, ...Array.from({ length: 200 }, (_, i) => 53 + i)]);
  });

  it('works from memory when IndexedDB cannot be opened, or never answers', async () => {
    for (const open of [() => Promise.reject(new DOMException('denied', 'SecurityError')), () => new Promise<Store>(() => {})]) {
      freshStorage();
      const t = fakeTransport();
      const o = outbox(t, open);
      o.push(ev(1));
      await advance(4_000);
      expect(t.posts.flatMap((p) => p.events.map((e: any) => e.seq))).toEqual([1]);
      o.push(ev(2));
      hide();
      expect(t.beacons.flatMap((p) => p.events.map((e: any) => e.seq))).toEqual([2]);
      o.stop();
    }
  });

  it('sends nothing more once stopped', async () => {
    const t = fakeTransport();
    const o = outbox(t);
    o.push(ev(1));
    o.stop();
    o.push(ev(2));
    hide();
    dispatchEvent(new Event('online'));
    await advance(5_000);
    await o.flush();
    expect(t.posts).toEqual([]);
    expect(t.beacons).toEqual([]);
  });

  it('lets only one tab drain the shared queue at a time', async () => {
    // A minimal Web Locks implementation: `ifAvailable` grants the lock only when free.
    let held = false;
    const locks = {
      async request(_name: string, _opts: unknown, fn: (lock: unknown) => Promise<unknown>) {
        if (held) return fn(null);
        held = true;
        try {
          return await fn({});
        } finally {
          held = false;
        }
      },
    };
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = fakeTransport();
    const slow = { ...t, post: async (b: string) => (t.posts.push(JSON.parse(b)), await gate, new Response(null, { status: 202 })) };
    const tabA = outbox(slow);
    const tabB = outbox(slow);
    tabA.push(ev(1));
    await settle();
    const a = tabA.flush();
    await settle();
    await tabB.flush(); // lock held by A: B sends nothing
    expect(t.posts).toHaveLength(1);
    release();
    await a;
    expect(t.posts).toHaveLength(1);
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
  });
});
