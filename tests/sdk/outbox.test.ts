import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from '../../sdk/src/outbox';
import { openStore } from '../../sdk/src/store';
import { fakeTransport, freshStorage, settle } from './helpers';

const ev = (i: number) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'page_view' as const, visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts: Date.now(), url: 'https://shop.example/' });

/** Advances fake time and lets IndexedDB and the drain loop catch up. */
async function advance(ms: number) {
  await settle(400); // IndexedDB writes first: they arm the timers
  await vi.advanceTimersByTimeAsync(ms);
  await settle(400);
}

async function queued(store: Awaited<ReturnType<typeof openStore>>) {
  return (await store.peek(10_000, 1e9)).events.length;
}

beforeEach(() => {
  freshStorage();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.spyOn(Math, 'random').mockReturnValue(1); // backoff without jitter, so waits are exact
  Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('outbox', () => {
  it('sends within a second of the first waiting event, however many follow', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport();
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    for (let t = 100; t < 1_000; t += 100) {
      await advance(100); // a steady stream must not postpone the flush
      await outbox.push(ev(t));
    }
    expect(posts).toHaveLength(0);
    await advance(100);
    expect(posts.map((p) => p.events.length)).toEqual([10]);
  });

  it('sends a full batch at once, in batches of at most 50, oldest first', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport();
    const outbox = new Outbox(store, transport);
    for (let i = 0; i < 120; i++) await outbox.push(ev(i));
    await advance(0);
    expect(posts.map((p) => p.events.length)).toEqual([50, 50, 20]);
    expect(posts[0].events[0].event_id).toBe('event-000000');
    expect(typeof posts[0].sent_at).toBe('number');
    expect(await queued(store)).toBe(0);
  });

  it('retries server errors and network failures with exponential backoff, keeping the events', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport([503, 'network', 202]);
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    await advance(1_000);
    expect(posts).toHaveLength(1);
    expect(await queued(store)).toBe(1);
    await advance(1_999); // first retry after 2 s
    expect(posts).toHaveLength(1);
    await advance(1);
    expect(posts).toHaveLength(2);
    await advance(3_999); // second retry after 4 s
    expect(posts).toHaveLength(2);
    await advance(1);
    expect(posts).toHaveLength(3);
    expect(await queued(store)).toBe(0);
    expect(posts.every((p) => p.events[0].event_id === 'event-000001')).toBe(true);
  });

  it('caps the backoff at 60 s and spreads retries with jitter', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport(Array(10).fill(503));
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    for (const wait of [1_000, 2_000, 4_000, 8_000, 16_000, 32_000]) await advance(wait);
    expect(posts).toHaveLength(6);
    vi.spyOn(Math, 'random').mockReturnValue(0.25); // the 7th failure draws a quarter of the cap
    await advance(60_000);
    expect(posts).toHaveLength(7);
    await advance(14_999);
    expect(posts).toHaveLength(7);
    await advance(1);
    expect(posts).toHaveLength(8);
  });

  it('honours Retry-After on 429', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport([[429, '7']]);
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    await advance(1_000);
    await advance(6_999);
    expect(posts).toHaveLength(1);
    await advance(1);
    expect(posts).toHaveLength(2);
  });

  it('drops a batch the collector refuses with another 4xx instead of retrying forever', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport([400]);
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    await advance(1_000);
    await advance(120_000);
    expect(posts).toHaveLength(1);
    expect(await queued(store)).toBe(0);
  });

  it('waits while offline and sends as soon as the browser is back online', async () => {
    const store = await openStore();
    const { transport, posts } = fakeTransport();
    const outbox = new Outbox(store, transport);
    Object.defineProperty(navigator, 'onLine', { value: false, configurable: true });
    await outbox.push(ev(1));
    await advance(10_000);
    expect(posts).toHaveLength(0);
    Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
    outbox.resume();
    await advance(0);
    expect(posts).toHaveLength(1);
  });

  it('reports dropped events once, with the next accepted batch', async () => {
    const store = await openStore();
    await store.set('dropped', 3);
    const { transport, posts } = fakeTransport();
    const outbox = new Outbox(store, transport);
    await outbox.push(ev(1));
    await advance(1_000);
    await outbox.push(ev(2));
    await advance(1_000);
    expect(posts.map((p) => p.dropped)).toEqual([3, undefined]);
    expect(await store.get('dropped')).toBe(0);
  });

  it('beacons this page\'s unconfirmed events on hide and keeps them queued', async () => {
    const store = await openStore();
    const { transport, beacons } = fakeTransport(['network']);
    const outbox = new Outbox(store, transport, () => ({ webdriver: true }));
    await outbox.push(ev(1));
    await advance(1_000); // fails: stays unconfirmed
    await outbox.push(ev(2));
    outbox.beacon();
    expect(beacons).toHaveLength(1);
    expect(beacons[0].events.map((e: any) => e.seq)).toEqual([1, 2]);
    expect(beacons[0].webdriver).toBe(true);
    expect(await queued(store)).toBe(2);
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
    const store = await openStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const posts: any[] = [];
    const slow = { post: async (b: string) => (posts.push(JSON.parse(b)), await gate, { status: 202 }), beacon: () => true };
    const tabA = new Outbox(store, slow);
    const tabB = new Outbox(await openStore(), slow);
    await tabA.push(ev(1));
    const a = tabA.flush();
    await settle();
    await tabB.flush(); // lock held by A: B sends nothing
    expect(posts).toHaveLength(1);
    release();
    await a;
    expect(posts).toHaveLength(1);
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
  });
});
