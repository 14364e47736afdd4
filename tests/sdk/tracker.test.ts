import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLinger } from '../../sdk/src/api';
import { createLinger as createModuleLinger } from '../../sdk/src/esm';
import { openStore } from '../../sdk/src/idb';
import * as items from '../../sdk/src/items';
import { freshStorage, importer, settle, setVisibility } from './helpers';

const ENDPOINT = 'https://collector.example/v1/collect';
let sent: any[];
let beacons: any[];

async function queuedEvents() {
  return (await (await openStore()).peek(10_000)).events;
}
async function advance(ms: number) {
  await settle(400); // IndexedDB writes first: they arm the timers
  await vi.advanceTimersByTimeAsync(ms);
  await settle(400);
}
/**
 * Trackers of earlier tests stay attached to the shared window: each is stopped when its test
 * ends (as a closed page would be), and each test looks only at its own visitor's events.
 */
let visitor = '';
let instances: ReturnType<typeof createLinger>[] = [];
/** Files the newest page asked for. */
let loaded: string[] = [];
/** What loading the product tracking's file (linger-items.js) gives to pages made from now on; by default the module at once. */
let loadItems: () => Promise<unknown> = async () => items;
function createPage() {
  const files = importer();
  const log: string[] = (loaded = []);
  const load = loadItems;
  const linger = createLinger(undefined, (url) => (log.push(url), url.includes(items.ITEMS_FILE) ? load() : files(url)));
  instances.push(linger);
  return linger;
}
const named = (events: any[], name: string) => events.filter((e) => e.name === name && e.visitor_id === visitor);
async function started(config: Parameters<ReturnType<typeof createLinger>>[1] & object) {
  const linger = createPage();
  linger('init', config as any);
  linger('visitor', (id) => (visitor = id));
  await vi.advanceTimersByTimeAsync(1); // the tracker starts in tasks of its own (fake timers run a nested one 1 ms later)
  await settle(400);
  return linger;
}

// Links clicked in the tests do not navigate away (the page's origin stays the shop's).
document.addEventListener('click', (e) => e.preventDefault());

beforeEach(() => {
  freshStorage();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  sent = [];
  beacons = [];
  loaded = [];
  loadItems = async () => items;
  vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
    sent.push(...JSON.parse(init.body as string).events);
    return new Response('{}', { status: 202 });
  }));
  Object.defineProperty(navigator, 'sendBeacon', { value: (_u: string, b: string) => (beacons.push(JSON.parse(b)), true), configurable: true });
  Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
  Object.defineProperty(navigator, 'doNotTrack', { value: null, configurable: true });
  setVisibility('visible');
  history.replaceState(null, '', 'https://shop.example/?utm_source=mail&utm_campaign=spring');
});
afterEach(() => {
  for (const linger of instances.splice(0)) linger('consent', false);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('tracker', () => {
  it('records a page view with visitor, session, page, seq and campaign, and sends it', async () => {
    const linger = createPage();
    linger('init', { site: 'demo', endpoint: ENDPOINT });
    await advance(1_000);
    expect(sent).toHaveLength(1);
    const [pv] = sent;
    expect(pv).toMatchObject({ name: 'page_view', seq: 1, url: 'https://shop.example/?utm_source=mail&utm_campaign=spring', utm: { source: 'mail', campaign: 'spring' } });
    expect(pv.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(pv.visitor_id).toMatch(/^[0-9a-f]{32}$/);
    expect(vi.mocked(fetch).mock.calls[0][0]).toBe(`${ENDPOINT}?site=demo`);
  });

  it('replays commands given before it was ready, in order, and keeps the visitor id across page loads', async () => {
    const linger = createPage();
    linger('track', 'search', { search_term: 'socks' });
    linger('init', { site: 'demo', endpoint: ENDPOINT });
    let first = '';
    linger('visitor', (id) => (first = id));
    await advance(1_000);
    expect(sent.map((e) => e.name)).toEqual(['page_view', 'search']);
    expect(sent.map((e) => e.seq)).toEqual([1, 2]);
    expect(first).toBe(sent[0].visitor_id);

    const nextPage = createPage(); // same browser, next page
    nextPage('init', { site: 'demo', endpoint: ENDPOINT });
    let second = '';
    nextPage('visitor', (id) => (second = id));
    await advance(1_000);
    expect(second).toBe(first);
    expect(sent[2]).toMatchObject({ name: 'page_view', seq: 3, session_id: sent[0].session_id });
    expect(sent[2].page_id).not.toBe(sent[0].page_id);
  });

  it('stores and sends nothing before consent, and everything after it', async () => {
    const linger = createPage();
    linger('init', { site: 'demo', endpoint: ENDPOINT, requireConsent: true });
    linger('track', 'search', { search_term: 'boots' });
    await advance(5_000);
    expect(sent).toHaveLength(0);
    expect(await indexedDB.databases()).toEqual([]);
    expect(localStorage.length).toBe(0);
    linger('consent', true);
    await advance(1_000);
    expect(sent.map((e) => e.name)).toEqual(['page_view', 'search']);
  });

  it('drops what waits when consent is refused', async () => {
    const linger = createPage();
    linger('init', { site: 'demo', endpoint: ENDPOINT, requireConsent: true });
    linger('track', 'search', { search_term: 'boots' });
    linger('consent', false);
    await advance(5_000);
    expect(sent).toHaveLength(0);
    expect(await indexedDB.databases()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('honours Do-Not-Track when the shop asks for it', async () => {
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    const linger = createPage();
    linger('init', { site: 'demo', endpoint: ENDPOINT, respectDoNotTrack: true });
    await advance(5_000);
    expect(sent).toHaveLength(0);
    expect(await indexedDB.databases()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('counts engaged time only while the page is visible and the visitor active', async () => {
    await started({ site: 'demo', endpoint: ENDPOINT });
    const move = () => document.dispatchEvent(new Event('pointermove'));
    // 10 s visible with input every 2 s
    for (let i = 0; i < 5; i++) {
      await advance(2_000);
      move();
    }
    setVisibility('hidden'); // engaged: 10 s
    await advance(60_000); // hidden: not counted
    setVisibility('visible'); // counts as activity
    await advance(5_000);
    move();
    await advance(100_000); // idle: counts 30 s after the last input, then stops
    setVisibility('hidden'); // engaged: 10 + 5 + 30 = 45 s
    await advance(2_000);
    const engagement = named([...(await queuedEvents()), ...sent], 'user_engagement');
    const finals = engagement.filter((e) => e.props.final).map((e) => e.props.engaged_ms);
    expect(finals).toContain(10_000);
    expect(Math.max(...engagement.map((e) => e.props.engaged_ms))).toBe(45_000);
    // heartbeats while visible
    expect(engagement.some((e) => e.props.final === false)).toBe(true);
    // the hide also handed the page's unconfirmed events to sendBeacon
    expect(beacons.length).toBeGreaterThan(0);
  });

  it('reports single-page-app navigations as page views with the previous page as referrer', async () => {
    await started({ site: 'demo', endpoint: ENDPOINT });
    await advance(3_000);
    history.pushState(null, '', '/c/shoes');
    await advance(1_000);
    const pvs = named(sent, 'page_view');
    expect(pvs.map((e) => e.url)).toEqual(['https://shop.example/?utm_source=mail&utm_campaign=spring', 'https://shop.example/c/shoes']);
    expect(pvs[1].referrer).toBe('https://shop.example/?utm_source=mail&utm_campaign=spring');
    // the first page's engagement was closed with a final report
    const first = named(sent, 'user_engagement').find((e) => e.page_id === pvs[0].page_id);
    expect(first.props).toMatchObject({ final: true, engaged_ms: 3_000 });
    // the campaign stays with the session on a page without UTM parameters
    expect(pvs[1].utm).toEqual({ source: 'mail', campaign: 'spring' });
  });

  it('tracks products, lists and clicks declared with data attributes', async () => {
    document.body.innerHTML = `
      <div data-linger-view-item data-linger-item="sku-1" data-linger-name="Red shoe" data-linger-category="Shoes" data-linger-price="49.9">
        <button data-linger-event="add_to_cart" id="add">Add</button>
      </div>
      <ul data-linger-list="Related">
        <li data-linger-item="sku-2" data-linger-name="Blue shoe"><a href="/p/sku-2?ref=x" id="tile">Blue</a></li>
        <li data-linger-item="sku-3"><a href="/p/sku-3">Green</a></li>
      </ul>
      <a href="https://elsewhere.example/page?email=a@b.c" id="out" data-linger-click="partner">Partner</a>`;
    await started({ site: 'demo', endpoint: ENDPOINT });
    document.getElementById('add')!.click();
    document.getElementById('tile')!.click();
    document.getElementById('out')!.click();
    await advance(1_000);
    expect(named(sent, 'view_item')[0].props).toEqual({ item_id: 'sku-1', item_name: 'Red shoe', item_category: 'Shoes', price: 49.9 });
    expect(named(sent, 'view_item_list')[0].props.items.map((i: any) => [i.item_id, i.position])).toEqual([['sku-2', 0], ['sku-3', 1]]);
    expect(named(sent, 'add_to_cart')[0].props.item_id).toBe('sku-1');
    expect(named(sent, 'select_item')[0].props).toMatchObject({ item_id: 'sku-2', item_list_name: 'Related', position: 0 });
    expect(named(sent, 'click')[0].props).toEqual({ element: 'a', label: 'partner', link_url: 'https://elsewhere.example/page' });
    document.body.innerHTML = '';
  });

  describe('product tracking, a file of its own (linger-items.js)', () => {
    const markup = `
      <ul data-linger-list="Related">
        <li data-linger-item="sku-2" data-linger-name="Blue shoe"><a href="/p/sku-2?ref=x" id="tile">Blue</a></li>
      </ul>`;
    /** The file arrives when `arrive` is called. */
    const slowFile = () => {
      let arrive = () => {};
      loadItems = () => new Promise((resolve) => (arrive = () => resolve(items)));
      return () => arrive();
    };
    const itemsLoads = () => loaded.filter((url) => url.includes(items.ITEMS_FILE));
    const all = () => [...sent, ...beacons.flatMap((b) => b.events)];
    afterEach(() => {
      document.body.innerHTML = '';
    });

    it('is not loaded by a page without product markup, whose clicks stay plain', async () => {
      document.body.innerHTML = '<a href="/about" id="about">About</a>';
      await started({ site: 'demo', endpoint: ENDPOINT });
      document.getElementById('about')!.click();
      await advance(1_000);
      expect(itemsLoads()).toEqual([]);
      expect(named(sent, 'click')[0].props).toEqual({ element: 'a', link_url: 'https://shop.example/about' });
    });

    it('holds clicks made in product markup before it is loaded, and records them as item clicks once it is', async () => {
      document.body.innerHTML = markup;
      const arrive = slowFile();
      await started({ site: 'demo', endpoint: ENDPOINT });
      await advance(10); // the document is parsed: the file is asked for
      expect(itemsLoads()).toHaveLength(1);
      document.getElementById('tile')!.click();
      document.getElementById('tile')!.click();
      await advance(1_000);
      expect(named(all(), 'select_item')).toEqual([]);
      arrive();
      await advance(1_000);
      expect(named(sent, 'view_item_list')).toHaveLength(1);
      expect(named(sent, 'select_item').map((e) => e.props)).toEqual([
        { item_id: 'sku-2', item_name: 'Blue shoe', item_list_name: 'Related', position: 0 },
        { item_id: 'sku-2', item_name: 'Blue shoe', item_list_name: 'Related', position: 0 },
      ]);
      expect(named(all(), 'click')).toEqual([]);
      expect(itemsLoads()).toHaveLength(1);
    });

    it('sends held clicks as plain clicks when the page hides before it is loaded (it may be going away)', async () => {
      document.body.innerHTML = markup;
      const arrive = slowFile();
      await started({ site: 'demo', endpoint: ENDPOINT });
      await advance(10);
      document.getElementById('tile')!.click();
      setVisibility('hidden');
      // the hide's beacon carries it
      expect(named(beacons.flatMap((b) => b.events), 'click').map((e) => e.props)).toEqual([{ element: 'a', link_url: 'https://shop.example/p/sku-2' }]);
      arrive(); // it arrives after all (the page was only hidden): the click is not recorded twice
      setVisibility('visible');
      await advance(2_000);
      expect(named(all(), 'select_item')).toEqual([]);
      expect(new Set(named(all(), 'click').map((e) => e.event_id)).size).toBe(1);
      expect(named(sent, 'view_item_list')).toHaveLength(1);
    });

    it('records product clicks as plain clicks when it cannot be loaded', async () => {
      document.body.innerHTML = markup;
      loadItems = () => Promise.reject(new Error('blocked'));
      await started({ site: 'demo', endpoint: ENDPOINT });
      document.getElementById('tile')!.click();
      await advance(1_000);
      expect(named(sent, 'click').map((e) => e.props)).toEqual([{ element: 'a', link_url: 'https://shop.example/p/sku-2' }]);
      expect(named(sent, 'select_item')).toEqual([]);
    });

    it('loads it at the first click in product markup a script added after the page was parsed', async () => {
      await started({ site: 'demo', endpoint: ENDPOINT });
      await advance(10);
      expect(itemsLoads()).toEqual([]); // no markup when the document was parsed
      document.body.innerHTML = markup; // a list rendered later by the shop's script
      document.getElementById('tile')!.click();
      await advance(1_000);
      expect(itemsLoads()).toHaveLength(1);
      expect(named(sent, 'select_item').map((e) => e.props.item_id)).toEqual(['sku-2']);
      expect(named(sent, 'view_item_list')).toHaveLength(1); // scanned once, when it arrived
      expect(named(all(), 'click')).toEqual([]);
    });

    it('comes bundled in the module build (linger.mjs): nothing is loaded for it', async () => {
      document.body.innerHTML = markup;
      const asked: string[] = [];
      const linger = createModuleLinger(undefined, (url) => (asked.push(url), Promise.reject(new Error('offline'))));
      instances.push(linger);
      linger('init', { site: 'demo', endpoint: ENDPOINT });
      linger('visitor', (id) => (visitor = id));
      await advance(10);
      document.getElementById('tile')!.click();
      await advance(1_000);
      expect(asked).toEqual([]);
      expect(named(sent, 'view_item_list')).toHaveLength(1);
      expect(named(sent, 'select_item').map((e) => e.props.item_id)).toEqual(['sku-2']);
    });

    it('scans once for single-page-app views that came while it loaded, and at once after', async () => {
      document.body.innerHTML = markup;
      const arrive = slowFile();
      await started({ site: 'demo', endpoint: ENDPOINT });
      history.pushState(null, '', '/c/shoes');
      await advance(10);
      arrive();
      await advance(1_000);
      const pvs = named(sent, 'page_view');
      expect(named(sent, 'view_item_list').map((e) => e.page_id)).toEqual([pvs[1].page_id]);
      history.pushState(null, '', '/c/boots');
      await advance(1_000);
      expect(named(sent, 'view_item_list').map((e) => e.page_id)).toEqual([pvs[1].page_id, named(sent, 'page_view')[2].page_id]);
      expect(itemsLoads()).toHaveLength(1);
    });
  });
});
