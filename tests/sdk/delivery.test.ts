// Delivery and privacy through the public API: a poisoned batch, hides, beacons refused, no
// IndexedDB, autotrack off, consent withdrawn, URLs stripped, promotions, the renderer hook.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLinger } from '../../sdk/src/api';
import * as promotions from '../../sdk/src/promotions';
import { advance, closePages, freshStorage, hidePage, importer as withStore, localKeys, openPage, settle, setVisibility } from './helpers';

const ENDPOINT = 'https://collector.example/v1/collect';
type Linger = ReturnType<typeof createLinger>;

/** Every request body the collector answered 2xx, every body it got, and every beacon. */
let accepted: any[];
let posts: any[];
let beacons: any[];
let beaconAnswer: boolean;
/** The collector's answer to a body (default 202), with a Retry-After header if given. */
let answer: (body: any) => number | [number, string];
let instances: Linger[];
let visitor: string;

/**
 * A page with the tracker. `importer` loads the renderer (and, with `durable: false`, the durable
 * outbox's file too: by default that comes from the source). Asking for the visitor id makes the
 * durable outbox take over at once; `askVisitor: false` leaves delivery to the lite outbox.
 */
async function started(config: object, scriptSrc?: string, importer?: (url: string) => Promise<any>, { askVisitor = true, durable = true } = {}) {
  const linger = createLinger(scriptSrc, durable ? withStore(importer) : importer);
  instances.push(linger);
  linger('init', { site: 'demo', endpoint: ENDPOINT, ...config } as any);
  if (askVisitor) linger('visitor', (id) => (visitor = id));
  await vi.advanceTimersByTimeAsync(1); // the tracker starts in tasks of its own (fake timers run a nested one 1 ms later)
  await settle(400);
  visitor ||= JSON.parse(localStorage.getItem('linger:state')!).visitor;
  return linger;
}

/** Events of this test's visitor that reached the collector (by fetch or beacon). */
const delivered = () => [...accepted.flatMap((b) => b.events), ...(beaconAnswer ? beacons.flatMap((b) => b.events) : [])].filter((e) => e.visitor_id === visitor);
const terms = (events: any[]) => events.filter((e) => e.name === 'search').map((e) => e.props.search_term);
/** Everything in localStorage, as one text. */
const localText = () => Array.from({ length: localStorage.length }, (_, i) => `${localStorage.key(i)}=${localStorage.getItem(localStorage.key(i)!)}`).join('\n');
const hide = hidePage;

beforeEach(() => {
  freshStorage();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.spyOn(Math, 'random').mockReturnValue(1);
  accepted = [];
  posts = [];
  beacons = [];
  instances = [];
  beaconAnswer = true;
  answer = () => 202;
  visitor = '';
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(init.body as string);
      posts.push(body);
      const [status, retryAfter] = [answer(body)].flat() as [number, string?];
      if (status < 300) accepted.push(body);
      return new Response('{}', { status, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
    }),
  );
  Object.defineProperty(navigator, 'sendBeacon', { value: (_u: string, b: string) => (beacons.push(JSON.parse(b)), beaconAnswer), configurable: true });
  openPage();
});
afterEach(() => closePages(instances));

describe('a batch the collector keeps failing', () => {
  it('blocks nothing: the bad event is isolated, given up and counted in dropped, and the rest arrives', async () => {
    answer = (body) => (body.events.some((e: any) => e.props?.search_term === 'poison') ? 500 : 202);
    const linger = await started({});
    for (const term of ['a', 'b', 'poison', 'c', 'd']) linger('track', 'search', { search_term: term });
    await advance(5 * 60_000);
    linger('track', 'search', { search_term: 'after' });
    await advance(60_000);
    expect(terms(delivered())).toEqual(['a', 'b', 'c', 'd', 'after']);
    expect(accepted.reduce((n, b) => n + (b.dropped ?? 0), 0)).toBe(1);
  });

  it('loses and drops nothing in a 10-minute outage of the collector', async () => {
    let down = true;
    answer = () => (down ? 503 : 202);
    const linger = await started({});
    for (const term of ['a', 'b', 'c']) linger('track', 'search', { search_term: term });
    await advance(5 * 60_000);
    linger('track', 'search', { search_term: 'd' });
    await advance(5 * 60_000);
    expect(accepted).toEqual([]);
    down = false;
    await advance(2 * 60_000);
    expect(terms(delivered())).toEqual(['a', 'b', 'c', 'd']);
    expect(accepted.every((b) => !b.dropped)).toBe(true);
  });

  it('still drops a batch refused with a 4xx other than 408 and 429, without counting it', async () => {
    answer = (body) => (body.events.some((e: any) => e.props?.search_term === 'bad') ? 400 : 202);
    const linger = await started({});
    linger('track', 'search', { search_term: 'bad' });
    await advance(2_000);
    linger('track', 'search', { search_term: 'good' });
    await advance(2_000);
    expect(terms(delivered())).toEqual(['good']);
    expect(posts.filter((b) => terms(b.events).includes('bad'))).toHaveLength(1);
  });
});

describe('page hide', () => {
  it('sends one beacon per hide, and the next hide only what is new', async () => {
    const linger = await started({});
    linger('track', 'search', { search_term: 'one' });
    hide();
    expect(beacons).toHaveLength(1);
    expect(terms(beacons[0].events)).toEqual(['one']);
    setVisibility('visible');
    linger('track', 'search', { search_term: 'two' });
    hide();
    expect(beacons).toHaveLength(2);
    expect(terms(beacons[1].events)).toEqual(['two']);
    expect(beacons[1].events.map((e: any) => e.event_id)).not.toContain(beacons[0].events[0].event_id);
  });

  it('keeps the final engagement report in localStorage the moment the page hides, before any other task runs', async () => {
    beaconAnswer = false;
    await started({});
    await advance(3_000);
    document.dispatchEvent(new Event('pointermove'));
    await advance(2_000);
    hide(); // nothing may run after this: the page is unloading
    const kept = localText();
    const final = beacons[0].events.find((e: any) => e.name === 'user_engagement' && e.props.final);
    expect(final.props.engaged_ms).toBeGreaterThan(0);
    expect(kept).toContain(final.event_id);
  });

  it('resends what an earlier page kept in localStorage, with the same event id, once', async () => {
    beaconAnswer = false;
    await started({});
    await advance(2_000);
    hide();
    const final = beacons[0].events.find((e: any) => e.name === 'user_engagement' && e.props.final);
    // the page unloads now: its IndexedDB writes never finish, its timers never fire
    vi.clearAllTimers();
    const journal = Object.fromEntries(localKeys().map((k) => [k, localStorage.getItem(k)]));
    instances.pop()!('consent', false); // (that also erases storage: put back what the page left)
    await settle(50);
    freshStorage();
    for (const [k, v] of Object.entries(journal)) localStorage.setItem(k, v!);
    setVisibility('visible');
    await started({}); // the next page
    await advance(3_000);
    const resent = accepted.flatMap((b) => b.events).filter((e) => e.event_id === final.event_id);
    expect(resent).toHaveLength(1);
    expect(resent[0]).toEqual(final);
  });
});

describe('the visitor id', () => {
  it('is one for two tabs a new visitor opens at the same moment, on every event they send', async () => {
    const a = (createLinger as any)(undefined) as Linger;
    instances.push(a);
    a('init', { site: 'demo', endpoint: ENDPOINT });
    await vi.advanceTimersByTimeAsync(1);
    const seenByA = JSON.parse(localStorage.getItem('linger:state')!).visitor;
    localStorage.clear(); // the other tab's localStorage did not see that write yet
    const b = (createLinger as any)(undefined) as Linger;
    instances.push(b);
    b('init', { site: 'demo', endpoint: ENDPOINT });
    await vi.advanceTimersByTimeAsync(1);
    expect(JSON.parse(localStorage.getItem('linger:state')!).visitor).not.toBe(seenByA);
    a('track', 'search', { search_term: 'from a' });
    b('track', 'search', { search_term: 'from b' });
    await advance(3_000);
    const ids: string[] = [];
    a('visitor', (id) => ids.push(id));
    b('visitor', (id) => ids.push(id));
    // (without Web Locks here, both tabs may send the shared queue: the collector dedupes by event id)
    const events = [...new Map(accepted.flatMap((x) => x.events).map((e) => [e.event_id, e])).values()];
    expect(terms(events).sort()).toEqual(['from a', 'from b']);
    expect(new Set([...ids, ...events.map((e) => e.visitor_id)]).size).toBe(1);
  });

});

describe('delivery without autotrack', () => {
  it('still beacons on hide and flushes when the browser comes back online', async () => {
    const linger = await started({ autotrack: false });
    linger('track', 'search', { search_term: 'manual' });
    hide();
    expect(beacons.flatMap((b) => terms(b.events))).toEqual(['manual']);
    setVisibility('visible');
    await advance(2_000);
    Object.defineProperty(navigator, 'onLine', { value: false, configurable: true });
    linger('track', 'search', { search_term: 'offline' });
    await advance(120_000);
    expect(terms(accepted.flatMap((b) => b.events))).toEqual(['manual']);
    Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
    dispatchEvent(new Event('online'));
    await advance(100);
    expect(terms(accepted.flatMap((b) => b.events))).toEqual(['manual', 'offline']);
  });
});

describe('without IndexedDB', () => {
  it('tracks from memory, sends, and beacons on hide', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    const linger = await started({});
    expect(visitor).toMatch(/^[0-9a-f]{32}$/);
    linger('track', 'search', { search_term: 'no idb' });
    await advance(2_000);
    expect(terms(delivered())).toEqual(['no idb']);
    expect(delivered().map((e) => e.name)).toContain('page_view');
    linger('track', 'search', { search_term: 'leaving' });
    hide();
    expect(terms(beacons.flatMap((b) => b.events))).toContain('leaving');
  });
});

describe('consent withdrawn', () => {
  it('stops everything at once and erases the queue and ids kept in the browser', async () => {
    document.body.innerHTML = '<button id="b">Buy</button>';
    const linger = await started({});
    await advance(2_000);
    expect(delivered().length).toBeGreaterThan(0);
    const before = posts.length + beacons.length;
    linger('consent', false);
    document.dispatchEvent(new Event('pointermove'));
    document.getElementById('b')!.click();
    linger('track', 'search', { search_term: 'after' });
    linger('page');
    history.pushState(null, '', '/elsewhere');
    await advance(60_000); // heartbeats would run
    hide();
    dispatchEvent(new Event('online'));
    await advance(5_000);
    expect(posts.length + beacons.length).toBe(before);
    expect(localKeys().filter((k) => k.startsWith('linger'))).toEqual([]);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('linger');
  });
});

describe('consent withdrawn in another tab', () => {
  it('stops this page too, and it writes nothing back: the erased ids stay erased', async () => {
    const linger = await started({});
    await advance(2_000);
    const before = posts.length + beacons.length;
    // a journal of another page taken is no withdrawal: this page goes on
    dispatchEvent(new StorageEvent('storage', { key: 'linger:q0', oldValue: '{}', newValue: null }));
    linger('track', 'search', { search_term: 'still here' });
    await advance(2_000);
    expect(terms(delivered())).toContain('still here');
    // the other tab erases every key of the SDK's; the browser tells this one
    const stateBefore = localStorage.getItem('linger:state');
    for (const key of localKeys()) if (key.startsWith('linger:')) localStorage.removeItem(key);
    dispatchEvent(new StorageEvent('storage', { key: 'linger:state', oldValue: stateBefore, newValue: null }));
    const sentBefore = posts.length + beacons.length;
    expect(sentBefore).toBeGreaterThan(before);
    linger('track', 'search', { search_term: 'after' });
    linger('page');
    await advance(60_000);
    hide();
    await advance(5_000);
    expect(posts.length + beacons.length).toBe(sentBefore);
    expect(localKeys().filter((k) => k.startsWith('linger'))).toEqual([]);
  });
});

describe('consent withdrawn while the tracker starts', () => {
  it('leaves nothing made, sent or kept', async () => {
    const linger = (createLinger as any)(undefined) as Linger;
    instances.push(linger);
    linger('init', { site: 'demo', endpoint: ENDPOINT });
    await vi.advanceTimersByTimeAsync(0); // the tracker exists; its page view comes in the next task
    linger('consent', false);
    await advance(60_000);
    hide();
    expect(posts.length + beacons.length).toBe(0);
    expect(localKeys().filter((k) => k.startsWith('linger'))).toEqual([]);
  });
});

describe('URLs and referrers', () => {
  it('keep only utm_*, known click ids and the shop\'s declared parameters', async () => {
    history.replaceState(null, '', 'https://shop.example/p/1?email=a%40b.c&utm_source=mail&gclid=g1&token=secret&color=red&fbclid=f&li_fat_id=l#frag');
    Object.defineProperty(document, 'referrer', { value: 'https://search.example/results?q=my+name&utm_medium=cpc&msclkid=m', configurable: true });
    await started({ keepParams: ['color'] });
    await advance(2_000);
    const pv = delivered().find((e) => e.name === 'page_view');
    expect(pv.url).toBe('https://shop.example/p/1?utm_source=mail&gclid=g1&color=red&fbclid=f&li_fat_id=l');
    expect(pv.referrer).toBe('https://search.example/results?utm_medium=cpc&msclkid=m');
    expect(pv.utm).toEqual({ source: 'mail' });
    Object.defineProperty(document, 'referrer', { value: '', configurable: true });
  });
});

describe('promotion context', () => {
  const promo = (map: unknown) => localStorage.setItem('linger:promo', typeof map === 'string' ? map : JSON.stringify(map));
  const PROMO = 'linger-promo.js';
  const SCRIPT = 'https://cdn.example/assets/linger.js';
  /** Records the files the tracker loads; the promotion fields' file as `promoFile` answers (by default from the source). */
  function loader(promoFile: () => Promise<any> = async () => promotions) {
    const loaded: string[] = [];
    const load = (url: string) => (loaded.push(url), url.includes(PROMO) ? promoFile() : withStore()(url));
    return { loaded, load };
  }

  it('puts the promotion an item was shown in on the items of cart and purchase events', async () => {
    // An earlier page showed the promotions: this page loads their file.
    promo({ 'sku-1': { promotion_id: 'summer', promotion_name: 'Summer sale', creative_slot: 'home-hero', decision_id: 'd-1' }, 'sku-9': { promotion_id: 'other' } });
    const { loaded, load } = loader();
    const linger = await started({}, SCRIPT, load, { durable: false });
    expect(loaded).toContain('https://cdn.example/assets/linger-promo.js');
    linger('track', 'add_to_cart', { item_id: 'sku-1', item_name: 'Red shoe', price: 49.9, quantity: 2, value: 99.8, currency: 'EUR' });
    linger('track', 'begin_checkout', { value: 60, items: [{ item_id: 'sku-1', price: 49.9 }, { item_id: 'sku-2', price: 10.1 }] });
    linger('track', 'purchase', { transaction_id: 'o-1', value: 60, items: [{ item_id: 'sku-1' }, { item_id: 'sku-2' }] });
    linger('track', 'remove_from_cart', { items: [{ item_id: 'sku-9' }] });
    linger('track', 'view_item', { item_id: 'sku-1' });
    await advance(2_000);
    const of = (name: string) => delivered().find((e) => e.name === name).props;
    const fields = { promotion_id: 'summer', promotion_name: 'Summer sale', creative_slot: 'home-hero', decision_id: 'd-1' };
    // a single-item event: its props describe the item (the collector keeps the item fields)
    expect(of('add_to_cart').items).toEqual([{ item_id: 'sku-1', item_name: 'Red shoe', price: 49.9, quantity: 2, value: 99.8, currency: 'EUR', ...fields }]);
    expect(of('add_to_cart')).toMatchObject({ item_id: 'sku-1', value: 99.8 });
    expect(of('begin_checkout').items).toEqual([{ item_id: 'sku-1', price: 49.9, ...fields }, { item_id: 'sku-2', price: 10.1 }]);
    expect(of('purchase').items).toEqual([{ item_id: 'sku-1', ...fields }, { item_id: 'sku-2' }]);
    expect(of('remove_from_cart').items).toEqual([{ item_id: 'sku-9', promotion_id: 'other' }]);
    expect(of('view_item')).toEqual({ item_id: 'sku-1' });
  });

  it('ignores a hostile or broken promotion map', async () => {
    promo({});
    const linger = await started({});
    const cases: unknown[] = [
      '{not json',
      '"a string"',
      '[1,2]',
      'null',
      '{"__proto__": {"promotion_id": "proto"}, "constructor": 5, "toString": {"promotion_id": ["x"]}}',
      { 'sku-1': { promotion_id: 'x'.repeat(5_000), creative_slot: { nested: true }, decision_id: 7 } },
    ];
    for (const c of cases) {
      promo(c);
      linger('track', 'add_to_cart', { items: [{ item_id: 'sku-1' }, { item_id: '__proto__' }, { item_id: 'constructor' }, { item_id: 'toString' }] });
    }
    await advance(2_000);
    const carts = delivered().filter((e) => e.name === 'add_to_cart');
    expect(carts).toHaveLength(cases.length);
    for (const cart of carts.slice(0, 4)) expect(cart.props.items).toEqual([{ item_id: 'sku-1' }, { item_id: '__proto__' }, { item_id: 'constructor' }, { item_id: 'toString' }]);
    // an own "__proto__" key is an item id like any other; non-string fields are left out
    expect(carts[4].props.items[1]).toEqual({ item_id: '__proto__', promotion_id: 'proto' });
    expect(carts[4].props.items[2]).toEqual({ item_id: 'constructor' });
    expect(carts[4].props.items[3]).toEqual({ item_id: 'toString' });
    expect(Object.getPrototypeOf(carts[4].props.items[1])).toBe(Object.prototype);
    // values are cut to the schema's bounds
    expect(carts[5].props.items[0]).toEqual({ item_id: 'sku-1', promotion_id: 'x'.repeat(100) });
  });

  it('loads the promotion fields\' file only for a visitor shown a promotion, or on a page with slots', async () => {
    const { loaded, load } = loader();
    const linger = await started({}, SCRIPT, load, { durable: false });
    linger('track', 'add_to_cart', { item_id: 'sku-1' });
    await advance(2_000);
    expect(loaded.filter((u) => u.includes(PROMO))).toEqual([]);
    expect(delivered().find((e) => e.name === 'add_to_cart').props).toEqual({ item_id: 'sku-1' });
    // A page with slots: the renderer may show a promotion here, and a cart event follow it.
    document.body.innerHTML = '<div data-linger-slot="pdp"></div>';
    history.pushState(null, '', '/with-slots');
    await advance(1_000);
    expect(loaded.filter((u) => u.includes(PROMO))).toEqual(['https://cdn.example/assets/linger-promo.js']);
    promo({ 'sku-1': { promotion_id: 'summer' } }); // (as the renderer records a viewable impression)
    linger('track', 'add_to_cart', { item_id: 'sku-1' });
    await advance(2_000);
    expect(delivered().filter((e) => e.name === 'add_to_cart').map((e) => e.props.items)).toEqual([undefined, [{ item_id: 'sku-1', promotion_id: 'summer' }]]);
  });

  it('holds the first commands until the file is loaded, then sends them in order with their promotion', async () => {
    promo({ 'sku-1': { promotion_id: 'summer' } });
    let arrive!: () => void;
    const { load } = loader(() => new Promise((resolve) => (arrive = () => resolve(promotions))));
    const linger = createLinger(SCRIPT, load);
    instances.push(linger);
    linger('init', { site: 'demo', endpoint: ENDPOINT });
    linger('track', 'add_to_cart', { item_id: 'sku-1' });
    await vi.advanceTimersByTimeAsync(500);
    await settle(100);
    expect(localStorage.getItem('linger:state')).not.toBeNull(); // started, and waiting
    arrive();
    await advance(2_000);
    visitor = JSON.parse(localStorage.getItem('linger:state')!).visitor;
    const events = delivered();
    expect(events.map((e) => e.name)).toEqual(['page_view', 'add_to_cart']);
    expect(events[1].props.items).toEqual([{ item_id: 'sku-1', promotion_id: 'summer' }]);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('sends the events without promotion context when the file cannot be loaded, or loads too slowly', async () => {
    promo({ 'sku-1': { promotion_id: 'summer' } });
    for (const promoFile of [() => Promise.reject(new Error('blocked')), () => new Promise(() => {})]) {
      const { loaded, load } = loader(promoFile);
      const linger = await started({}, SCRIPT, load, { durable: false });
      linger('track', 'add_to_cart', { item_id: 'sku-1' });
      await advance(3_000);
      expect(loaded).toContain('https://cdn.example/assets/linger-promo.js');
      const events = delivered();
      expect(events.map((e) => e.name)).toEqual(['page_view', 'add_to_cart']);
      expect(events[1].props).toEqual({ item_id: 'sku-1' });
      linger('consent', false); // the page is gone
      accepted.length = 0;
      visitor = '';
      promo({ 'sku-1': { promotion_id: 'summer' } });
    }
  });
});

describe('slot renderer hook', () => {
  const SCRIPT = 'https://cdn.example/assets/linger.js';

  it('loads the renderer next to the script only when the page has slots, once, and hands it the tracker', async () => {
    const imported: string[] = [];
    let host: any;
    const importer = async (url: string) => (imported.push(url), { render: (h: any) => (host = h) });
    await started({ decideTimeoutMs: 500, imageOrigins: ['https://img.example'] }, SCRIPT, importer);
    await advance(1_000);
    expect(imported).toEqual([]); // no slots: nothing loaded
    document.body.innerHTML = '<section data-linger-slot="home-hero"></section>';
    history.pushState(null, '', '/with-slots');
    await advance(1_000);
    history.pushState(null, '', '/more-slots');
    await advance(1_000);
    expect(imported).toEqual(['https://cdn.example/assets/linger-render.js']);
    expect(host).toMatchObject({ site: 'demo', origin: 'https://collector.example', visitorId: visitor, options: { decideTimeoutMs: 500, imageOrigins: ['https://img.example'] } });
    host.track('view_promotion', { promotion_id: 'summer', creative_slot: 'home-hero' });
    await advance(1_000);
    expect(delivered().find((e) => e.name === 'view_promotion').props.promotion_id).toBe('summer');
  });

  it('checks the page for slots once the document is parsed', async () => {
    const imported: string[] = [];
    document.body.innerHTML = '<div data-linger-slot="pdp"></div>';
    await started({}, SCRIPT, async (url: string) => (imported.push(url), { render() {} }));
    await advance(100);
    expect(imported).toEqual(['https://cdn.example/assets/linger-render.js']);
  });

  it('lets the renderer track nothing once consent is withdrawn', async () => {
    let host: any;
    document.body.innerHTML = '<div data-linger-slot="pdp"></div>';
    const linger = await started({}, SCRIPT, async () => ({ render: (h: any) => (host = h) }));
    await advance(2_000);
    linger('consent', false);
    host.track('view_promotion', { promotion_id: 'late' });
    await advance(2_000);
    expect(delivered().filter((e) => e.name === 'view_promotion')).toEqual([]);
  });
});

describe('the lite outbox, before the durable one is needed', () => {
  const STORE = 'linger-store.js';
  /** Records the files the tracker loads; the durable outbox's comes from the source unless `storeLoads` is false. */
  function loader(storeLoads = true) {
    const loaded: string[] = [];
    const load = (url: string) => (loaded.push(url), url.includes(STORE) && storeLoads ? withStore()(url) : Promise.reject(new Error('offline')));
    return { loaded, load };
  }

  it('delivers and beacons without loading the durable outbox', async () => {
    const { loaded, load } = loader();
    const linger = await started({}, undefined, load, { askVisitor: false, durable: false });
    linger('track', 'search', { search_term: 'a' });
    await advance(2_000);
    expect(terms(delivered())).toEqual(['a']);
    linger('track', 'search', { search_term: 'b' });
    hide();
    expect(terms(beacons.flatMap((b) => b.events))).toEqual(['b']);
    expect(loaded).toEqual([]);
    expect(await indexedDB.databases()).toEqual([]);
  });

  it('honours Retry-After on 429: no request until it has passed, then everything arrives once', async () => {
    let limited = true;
    answer = () => (limited ? [429, '30'] : 202);
    const { loaded, load } = loader();
    const linger = await started({}, undefined, load, { askVisitor: false, durable: false });
    for (const term of ['a', 'b', 'c']) linger('track', 'search', { search_term: term });
    await advance(2_000);
    const during = posts.length;
    expect(during).toBe(1);
    linger('track', 'search', { search_term: 'd' });
    await advance(25_000);
    expect(posts.length).toBe(during); // nothing while the collector said to wait
    limited = false;
    await advance(10_000);
    expect(terms(delivered())).toEqual(['a', 'b', 'c', 'd']);
    const ids = delivered().map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(loaded.some((u) => u.includes(STORE))).toBe(true); // the durable outbox took over
    expect(accepted.every((b) => !b.dropped)).toBe(true);
  });

  it('loses nothing when the collector is down and the durable outbox cannot be loaded: the next page sends it', async () => {
    let down = true;
    answer = () => (down ? 503 : 202);
    const { loaded, load } = loader(false);
    const linger = await started({}, undefined, load, { askVisitor: false, durable: false });
    for (const term of ['a', 'b']) linger('track', 'search', { search_term: term });
    await advance(3 * 60_000);
    expect(accepted).toEqual([]);
    expect(loaded.filter((u) => u.includes(STORE)).length).toBeGreaterThan(1); // tried again, under another URL
    expect(new Set(loaded).size).toBe(loaded.length);
    beaconAnswer = false;
    hide(); // the page goes; its events wait in localStorage
    expect(localKeys().filter((k) => k.startsWith('linger:q'))).toHaveLength(1);
    // (The page is gone: stopped here through consent, which erases storage, so what it kept is put back.)
    const kept = localKeys().map((k) => [k, localStorage.getItem(k)!]);
    linger('consent', false);
    for (const [k, v] of kept) localStorage.setItem(k, v);
    down = false;
    setVisibility('visible');
    const before = posts.length;
    await started({}, undefined, loader(false).load, { askVisitor: false, durable: false }); // the next page, on a collector that is back
    await advance(3_000);
    expect(posts.length).toBeGreaterThan(before);
    expect(terms(delivered())).toEqual(['a', 'b']);
  });

  it('isolates a poisoned event once the durable outbox takes over', async () => {
    answer = (body) => (body.events.some((e: any) => e.props?.search_term === 'poison') ? 500 : 202);
    const linger = await started({}, undefined, loader().load, { askVisitor: false, durable: false });
    for (const term of ['a', 'poison', 'b']) linger('track', 'search', { search_term: term });
    await advance(5 * 60_000);
    linger('track', 'search', { search_term: 'after' });
    await advance(60_000);
    expect(terms(delivered())).toEqual(['a', 'b', 'after']);
    expect(accepted.reduce((n, b) => n + (b.dropped ?? 0), 0)).toBe(1);
  });
});

