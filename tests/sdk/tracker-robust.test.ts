// The tracker against what a page and a visitor's tabs can do to it: events that cannot be sent,
// a `dropped` count two tabs report at once, URLs longer than the schema takes, slots on the
// views of a single-page app, and the mark that makes pages open IndexedDB.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLinger } from '../../sdk/src/api';
import { openStore } from '../../sdk/src/idb';
import { createOutbox, type Outbox } from '../../sdk/src/outbox';
import type { Store } from '../../sdk/src/store';
import { advance, closePages, fakeTransport, freshStorage, hidePage, importer as withStore, openPage, settle, setVisibility } from './helpers';

const ENDPOINT = 'https://collector.example/v1/collect';
/** The browser's limit of a keepalive request's body (and of a beacon's): a larger one fails. */
const KEEPALIVE_BYTES = 65_536;
type Linger = ReturnType<typeof createLinger>;

/** Every body the collector answered 2xx, every body it got, and every beacon the browser took. */
let accepted: any[];
let posts: any[];
let beacons: any[];
/** The collector's answer to a body (default 202); it refuses a negative `dropped` as the real one does. */
let answer: (body: any) => number;
let instances: Linger[];
/** Files the pages asked for. */
let loaded: string[];
/** While set, the collector answers only once it resolves. */
let held: Promise<void> | undefined;

/** A page with the tracker; `render` is the slot renderer's module. The files it asks for go to `loaded` (from now on, this page's only). */
async function started(config: object = {}, render: object = { render() {} }) {
  const files = withStore(async () => render);
  const mine: string[] = (loaded = []);
  const linger = createLinger(undefined, (url) => (mine.push(url), files(url)));
  instances.push(linger);
  linger('init', { site: 'demo', endpoint: ENDPOINT, ...config } as any);
  await vi.advanceTimersByTimeAsync(1); // the tracker starts in tasks of its own
  await settle(400);
  return linger;
}

const events = () => accepted.flatMap((b) => b.events);
const terms = (list: any[]) => list.filter((e) => e.name === 'search').map((e) => e.props.search_term);
const reportedDropped = () => accepted.reduce((n, b) => n + (b.dropped ?? 0), 0);
const hide = hidePage;

beforeEach(() => {
  freshStorage();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.spyOn(Math, 'random').mockReturnValue(1);
  accepted = [];
  posts = [];
  beacons = [];
  instances = [];
  loaded = [];
  held = undefined;
  answer = () => 202;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      const text = init.body as string;
      // as Chromium does: a keepalive request over 64 KB is refused before it leaves
      if (init.keepalive && text.length > KEEPALIVE_BYTES) throw new TypeError('Failed to fetch');
      const body = JSON.parse(text);
      posts.push(body);
      await held;
      const status = body.dropped < 0 ? 400 : answer(body);
      if (status < 300) accepted.push(body);
      return new Response('{}', { status });
    }),
  );
  Object.defineProperty(navigator, 'sendBeacon', {
    value: (_u: string, text: string) => text.length <= KEEPALIVE_BYTES && !!beacons.push(JSON.parse(text)),
    configurable: true,
  });
  openPage();
  Object.defineProperty(document, 'referrer', { value: '', configurable: true });
});
afterEach(() => closePages(instances));

describe('an event that cannot be sent', () => {
  it('is given up when it is made and counted as dropped; the events around it and the page\'s final report arrive', async () => {
    const linger = await started();
    const cyclic: any = { search_term: 'cycle' };
    cyclic.self = cyclic;
    linger('track', 'search', { search_term: 'before' });
    linger('track', 'search', { search_term: 'too large', note: 'x'.repeat(70_000) } as any);
    linger('track', 'search', { search_term: 'bigint', qty: 10n } as any);
    linger('track', 'search', cyclic);
    linger('track', 'search', { search_term: 'good after bad' });
    await advance(3_000);
    expect(terms(events())).toEqual(['before', 'good after bad']);
    expect(reportedDropped()).toBe(3);
    // nothing is left waiting, and delivery goes on as before
    linger('track', 'search', { search_term: 'later' });
    await advance(2_000);
    expect(terms(events())).toEqual(['before', 'good after bad', 'later']);
    expect(loaded.filter((u) => u.includes('linger-store.js'))).toEqual([]);
    // the page hides: its beacon (under 64 KB) carries the final engagement report
    linger('track', 'search', { search_term: 'last' });
    hide();
    expect(beacons).toHaveLength(1);
    expect(terms(beacons[0].events)).toEqual(['last']);
    expect(beacons[0].events.some((e: any) => e.name === 'user_engagement' && e.props.final)).toBe(true);
  });

  it('is queued as a copy: what the page does to its props afterwards cannot reach it', async () => {
    const linger = await started();
    const props: any = { search_term: 'socks', skip: () => 1 };
    linger('track', 'search', props);
    props.search_term = 'changed';
    props.later = 10n;
    await advance(2_000);
    expect(events().find((e) => e.name === 'search').props).toEqual({ search_term: 'socks' });
    expect(reportedDropped()).toBe(0);
  });
});

describe('the dropped count', () => {
  it('never goes below 0 when two tabs report the same count, so the next batch is not refused', async () => {
    localStorage.setItem('linger:dropped', '5');
    // two tabs opened at the same moment: both send the count before either has its answer
    let answerNow!: () => void;
    held = new Promise((resolve) => (answerNow = resolve));
    await started();
    await started();
    await advance(2_000);
    expect(posts.filter((b) => b.dropped === 5)).toHaveLength(2);
    answerNow();
    await advance(100);
    expect(localStorage.getItem('linger:dropped')).not.toBe('5');
    instances[1]('track', 'search', { search_term: 'after the race' });
    await advance(2_000);
    expect(posts.every((b) => !(b.dropped < 0))).toBe(true);
    expect(terms(events())).toEqual(['after the race']);
  });

  it('reads a negative count an earlier page left as 0', async () => {
    localStorage.setItem('linger:dropped', '-5');
    const linger = await started();
    linger('track', 'search', { search_term: 'kept' });
    await advance(2_000);
    expect(terms(events())).toEqual(['kept']);
    expect(posts.every((b) => b.dropped === 0)).toBe(true);
  });
});

describe('URLs longer than the schema takes (2048)', () => {
  it('are cut from their end: the landing page view keeps its path and campaign, and every event of the page goes', async () => {
    history.replaceState(null, '', `https://shop.example/landing/page?utm_source=news&utm_content=${'x'.repeat(2_100)}#frag`);
    Object.defineProperty(document, 'referrer', { value: `https://news.example/article?utm_medium=mail&utm_term=${'y'.repeat(3_000)}`, configurable: true });
    document.body.innerHTML = `<a id="long" href="/${'p'.repeat(2_100)}?q=1">Long</a>`;
    const linger = await started();
    document.getElementById('long')!.addEventListener('click', (e) => e.preventDefault());
    document.getElementById('long')!.click();
    linger('track', 'search', { search_term: 'shoes' });
    await advance(2_000);
    const all = events();
    expect(all.map((e) => e.name)).toEqual(['page_view', 'click', 'search']);
    for (const e of all) {
      expect(e.url.length).toBeLessThanOrEqual(2048);
      expect(e.url.startsWith('https://shop.example/landing/page?utm_source=news&utm_content=xxx')).toBe(true);
      expect(e.referrer.length).toBeLessThanOrEqual(2048);
      expect(e.referrer.startsWith('https://news.example/article?utm_medium=mail')).toBe(true);
      expect(e.utm).toEqual({ source: 'news', content: 'x'.repeat(200) });
    }
    const click = all.find((e) => e.name === 'click');
    expect(click.props.link_url.length).toBe(2048);
    expect(click.props.link_url.startsWith('https://shop.example/ppp')).toBe(true);
  });

  it('a click on a custom element with a long name records the name cut to the schema\'s 20 characters', async () => {
    document.body.innerHTML = '<shop-product-quick-view-button data-linger-click="quick">Quick view</shop-product-quick-view-button>';
    await started();
    (document.querySelector('shop-product-quick-view-button') as HTMLElement).click();
    await advance(2_000);
    expect(events().find((e) => e.name === 'click').props).toMatchObject({ element: 'shop-product-quick-v', label: 'quick' });
  });
});

describe('slots in a single-page app', () => {
  it('renders the slots of every view reached by pushState, loading the renderer once', async () => {
    const rendered: string[] = [];
    let hosts = 0;
    const render = { render: (host: any) => (hosts++, rendered.push(`${location.pathname}:${[...document.querySelectorAll<HTMLElement>('[data-linger-slot]')].map((s) => s.dataset.lingerSlot)}`), host) };
    document.body.innerHTML = '<section data-linger-slot="home-hero"></section>';
    await started({}, render);
    await advance(1_000);
    expect(rendered).toEqual(['/:home-hero']);
    document.body.innerHTML = '<section data-linger-slot="cart-upsell"></section>';
    history.pushState(null, '', '/cart');
    await advance(1_000);
    document.body.innerHTML = '<p>No slots here</p>';
    history.pushState(null, '', '/about');
    await advance(1_000);
    expect(rendered).toEqual(['/:home-hero', '/cart:cart-upsell']);
    expect(hosts).toBe(2);
    expect(loaded.filter((u) => u.includes('linger-render.js'))).toHaveLength(1);
  });

  it('asks for no decision once consent is withdrawn', async () => {
    const rendered: string[] = [];
    document.body.innerHTML = '<section data-linger-slot="home-hero"></section>';
    const linger = await started({}, { render: () => rendered.push(location.pathname) });
    await advance(1_000);
    linger('consent', false);
    document.body.innerHTML = '<section data-linger-slot="cart-upsell"></section>';
    history.pushState(null, '', '/cart');
    await advance(1_000);
    expect(rendered).toEqual(['/']);
  });

  it('asks for no exit-intent decision once consent is withdrawn (the overlay was set up before)', async () => {
    const asked: string[] = [];
    const collect = globalThis.fetch as (url: string, init: RequestInit) => Promise<Response>;
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) =>
      String(url).includes('/v1/decide') ? (asked.push(String(url)), new Response('{"decisions":[]}')) : collect(url, init)));
    document.body.innerHTML = '<div data-linger-slot="exit-voucher" data-linger-exit hidden></div>';
    const linger = await started({}, await import('../../sdk/src/render/index'));
    await advance(2_000);
    linger('consent', false);
    // the pointer leaves through the top: the renderer's listener is still there
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: 0, relatedTarget: null, bubbles: true }));
    await advance(1_000);
    expect(asked).toEqual([]);
  });
});

describe('the mark that makes pages open IndexedDB', () => {
  it('is cleared once the queue is delivered, and the next pages do without the durable outbox', async () => {
    let down = true;
    answer = () => (down ? 503 : 202);
    const linger = await started();
    linger('track', 'search', { search_term: 'during the outage' });
    await advance(3_000);
    expect(loaded.filter((u) => u.includes('linger-store.js'))).toHaveLength(1);
    expect(localStorage.getItem('linger:idb')).toBe('1');
    down = false;
    await advance(120_000);
    expect(terms(events())).toEqual(['during the outage']);
    expect(localStorage.getItem('linger:idb')).toBeNull();
    // the next page
    const next = await started();
    next('track', 'search', { search_term: 'next page' });
    await advance(3_000);
    expect(terms(events())).toEqual(['during the outage', 'next page']);
    expect(loaded.filter((u) => u.includes('linger-store.js'))).toEqual([]);
  });

  describe('with two tabs', () => {
    let outboxes: Outbox[];
    const ev = (i: number) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'page_view' as const, visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts: Date.now(), url: 'https://shop.example/' });
    const tab = (t: ReturnType<typeof fakeTransport>, open: () => Promise<Store> = openStore) => {
      const o = createOutbox(open, t.post, t.beacon, { hidden() {}, sync() {}, token: 'a'.repeat(32) });
      outboxes.push(o);
      return o;
    };
    beforeEach(() => {
      outboxes = [];
    });
    afterEach(() => {
      for (const o of outboxes) o.stop();
    });

    it('loses no event another tab writes while one clears the mark: it is marked again, and a later page sends it', async () => {
      localStorage.setItem('linger:idb', '1'); // an earlier page left events, since delivered
      // Tab B's write to IndexedDB completes only when released: after tab A's drain has looked.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const slowOpen = async (): Promise<Store> => {
        const s = await openStore();
        return { ...s, add: async (events) => (await released, s.add(events)) };
      };
      const toB = fakeTransport(Array(50).fill(503)); // B cannot deliver: the collector is down for it
      const b = tab(toB, slowOpen);
      await advance(1_000); // B opened IndexedDB (the mark)
      b.push(ev(1)); // marked, and being written
      const toA = fakeTransport();
      tab(toA); // A: finds the queue empty, and clears the mark
      await advance(2_000);
      expect(toA.posts).toEqual([]);
      release(); // B's write completes after A's last look
      await advance(100);
      expect(localStorage.getItem('linger:idb')).toBe('1');
      outboxes[0].stop(); // B is closed before it could deliver
      const toC = fakeTransport();
      tab(toC); // a later page
      await advance(2_000);
      expect(toC.posts.flatMap((p) => p.events.map((e: any) => e.event_id))).toEqual(['event-000001']);
      expect(localStorage.getItem('linger:idb')).toBeNull();
    });
  });
});

describe('the durable queue', () => {
  let outboxes: Outbox[];
  beforeEach(() => {
    outboxes = [];
  });
  afterEach(() => {
    for (const o of outboxes) o.stop();
  });
  const ev = (i: number, props: object = {}) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'search' as const, visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts: Date.now(), url: 'https://shop.example/', props: { search_term: `t${i}`, ...props } });

  it('gives up an event no batch can carry that an earlier version left in IndexedDB, and sends the others', async () => {
    await (await openStore()).add([ev(1), ev(2, { note: 'x'.repeat(70_000) }), ev(3, { qty: 10n }), ev(4)] as any);
    localStorage.setItem('linger:idb', '1');
    const t = fakeTransport();
    const post = t.post;
    t.post = async (body: string) => {
      if (body.length > KEEPALIVE_BYTES) throw new TypeError('Failed to fetch');
      return post(body);
    };
    outboxes.push(createOutbox(openStore, t.post, t.beacon, { hidden() {}, sync() {}, token: 'a'.repeat(32) }));
    await advance(5_000);
    expect(t.posts.flatMap((p) => p.events.map((e: any) => e.seq))).toEqual([1, 4]);
    expect(t.posts.reduce((n, p) => n + (p.dropped ?? 0), 0)).toBe(2);
    expect((await (await openStore()).peek(10)).events).toEqual([]);
  });

  it('sends a batch again without its dropped count when the collector refuses the batch itself (400)', async () => {
    localStorage.setItem('linger:dropped', '2000000'); // more than the collector takes (a page's script wrote it)
    const t = fakeTransport();
    const post = t.post;
    t.post = async (body: string) => (JSON.parse(body).dropped > 1_000_000 ? (t.posts.push(JSON.parse(body)), new Response(null, { status: 400 })) : post(body));
    const o = createOutbox(openStore, t.post, t.beacon, { hidden() {}, sync() {}, token: 'a'.repeat(32) });
    outboxes.push(o);
    o.push(ev(1));
    await advance(2_000);
    expect(t.posts.map((p) => [p.dropped, p.events.map((e: any) => e.seq)])).toEqual([
      [2_000_000, [1]],
      [0, [1]],
    ]);
  });
});
