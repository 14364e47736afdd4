// The slot renderer in real Chromium, on the demo shop's own pages and styles. The worker
// serves the static files; GET /v1/decide is answered here (page.route), and the page's
// tracker script is taken out so that the test drives the renderer through a host whose
// track() reports every event to the test.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch } from './browser';

const base = inject('baseUrl');
let browser: Browser;
let products: { id: string; name: string; categoryName: string; price: number; inStock: boolean }[];
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launch();
  products = (await (await fetch(`${base}/catalog.json`)).json<any>()).products;
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});
afterAll(async () => {
  await browser?.close();
});

type Answer = object | 'abort' | { delayMs: number; body: object };
interface Rig {
  page: Page;
  events: { name: string; props: any }[];
  decides: URL[];
  /** Requests that left for any origin but the shop's. */
  foreign: string[];
  dialogs: string[];
  errors: string[];
}

const REASONS = ['viewed_together', 'trending', 'category_affinity', 'recently_viewed', 'bought_together', 'session_similar'];
function recs(slot: string, n: number, campaign: string | null = 'cmp_recs') {
  return {
    slot,
    campaign,
    variant: campaign && 'personal',
    decision_id: campaign && `dec_${slot}`,
    content: {
      type: 'recommendation',
      title: 'Recommended for you',
      strategy: 'personal',
      items: products.slice(20, 20 + n).map((p, i) => ({ item_id: p.id, name: p.name, category: p.categoryName, price: p.price, reason: REASONS[i % REASONS.length] })),
    },
  };
}
const HERO = {
  slot: 'home-hero',
  campaign: 'cmp_spring',
  variant: 'ten-percent',
  decision_id: 'dec_hero',
  content: {
    type: 'promotion',
    title: 'Spring sale: 10 % off jackets',
    text: 'Light layers for changing weather. Use code {code} at checkout until Sunday.',
    code: 'SPRING10',
    image: '/img/p016.svg',
    link: '/c/jackets',
    cta: 'Shop jackets',
  },
};

/**
 * Opens a demo page without its tracker, answers /v1/decide with `answer`, and starts the
 * renderer (the built sdk/dist/linger-render.js, as the shop serves it).
 */
async function open(
  path: string,
  answer: Answer | ((url: URL) => Answer),
  {
    viewport = { width: 1280, height: 800 },
    start = true,
    cart = [] as { id: string; qty: number }[],
    /** The renderer starts this long after the page is parsed (a tracker that comes late). */
    startAfterMs = 0,
    /** A script of the test's, run before the page's own. */
    init = '',
  } = {},
): Promise<Rig> {
  context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (cart.length) await page.addInitScript((cart) => localStorage.setItem('demo-cart', cart), JSON.stringify(cart));
  const rig: Rig = { page, events: [], decides: [], foreign: [], dialogs: [], errors: [] };
  await page.exposeFunction('lingerTrack', (name: string, props: any) => void rig.events.push({ name, props }));
  page.on('dialog', (d) => (rig.dialogs.push(d.message()), d.dismiss()));
  page.on('pageerror', (e) => rig.errors.push(e.message));
  page.on('request', (r) => !r.url().startsWith(base) && rig.foreign.push(r.url()));
  await page.addInitScript(() => {
    // Layout shifts of the whole page, from the first paint on.
    const w = window as any;
    w.shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) {
        // each source with where it was and went, so that a failure says what moved, and how far
        const rect = (r: DOMRectReadOnly) => [r.x, r.y, r.width, r.height].map(Math.round).join(' ');
        const source = (s: any) => `${(s.node?.nodeType === 1 ? s.node : s.node?.parentElement)?.outerHTML?.slice(0, 80)} from ${rect(s.previousRect)} to ${rect(s.currentRect)}`;
        w.shifts.push({ value: e.value, at: Math.round(e.startTime), sources: e.sources.map(source) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.route(
    (url) => url.href.split('?')[0] === `${base}${path}`,
    async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace('<script async src="/sdk/linger.js"></script>', '');
      await route.fulfill({ response: res, body: html });
    },
  );
  await page.route(
    (url) => url.pathname === '/v1/decide',
    async (route: Route) => {
      const url = new URL(route.request().url());
      rig.decides.push(url);
      const a = typeof answer === 'function' ? answer(url) : answer;
      if (a === 'abort') return route.abort('connectionrefused');
      const delayed = 'delayMs' in a ? a : { delayMs: 0, body: a };
      await new Promise((r) => setTimeout(r, delayed.delayMs));
      await route.fulfill({ json: delayed.body }).catch(() => {}); // the page may be gone
    },
  );
  // As the tracker does: the renderer starts once the page is parsed (its wait for the decision
  // ends 800 ms after the navigation, with the anti-flicker CSS's).
  if (start) await page.addInitScript(`document.addEventListener('DOMContentLoaded', () => setTimeout(() => ${renderCall()}, ${startAfterMs}))`);
  if (init) await page.addInitScript(init);
  await page.goto(`${base}${path}`);
  return rig;
}

// A string, so that the test runner does not rewrite the page's dynamic import.
const renderCall = (options: object = {}) => `import('/sdk/linger-render.js').then((m) => m.render({
  site: 'demo', origin: location.origin, visitorId: 'e2e-visitor-0001', token: 'e2e0token0000000000000000000000a1', options: ${JSON.stringify(options)},
  track: (name, props) => window.lingerTrack(name, props),
}))`;

/** Starts the renderer later than a page's tracker would: `options` should give it time to wait. */
function startRenderer(page: Page, options: object) {
  return page.evaluate(renderCall(options));
}

const stateOf = (page: Page, slot: string) => page.getAttribute(`[data-linger-slot="${slot}"]`, 'data-linger-state');
async function settledSlots(page: Page, ...slots: string[]) {
  for (const s of slots) await page.waitForSelector(`[data-linger-slot="${s}"][data-linger-state]`, { state: 'attached' });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const named = (rig: Rig, name: string) => rig.events.filter((e) => e.name === name);

/** Scrolls so that `fraction` of the slot's height is inside the viewport, at its bottom edge. */
async function reveal(page: Page, slot: string, fraction: number) {
  await page.evaluate(
    ([slot, fraction]) => {
      const el = document.querySelector(`[data-linger-slot="${slot}"]`)!;
      const r = el.getBoundingClientRect();
      scrollTo(0, scrollY + r.top - innerHeight + r.height * (fraction as number));
    },
    [slot, fraction] as const,
  );
}

describe('slots in Chromium', () => {
  it('render the decided content in the demo home page, over the default content', async () => {
    const rig = await open('/', { decisions: [HERO, recs('home-recs', 12)] });
    await settledSlots(rig.page, 'home-hero', 'home-recs');
    expect(await stateOf(rig.page, 'home-hero')).toBe('filled');
    expect(await stateOf(rig.page, 'home-recs')).toBe('filled');
    expect(rig.decides).toHaveLength(1);
    expect(Object.fromEntries(rig.decides[0].searchParams)).toMatchObject({ site: 'demo', visitor: 'e2e-visitor-0001', page: 'home', slots: 'home-hero,home-recs', fallback: 'home-recs' });

    const hero = rig.page.locator('[data-linger-slot="home-hero"] .linger-box');
    expect(await hero.locator('.linger-title').textContent()).toBe('Spring sale: 10 % off jackets');
    expect(await hero.locator('.linger-text').textContent()).toContain('Use code SPRING10 at checkout');
    expect(await hero.locator('a.linger-cta').getAttribute('href')).toBe(`${base}/c/jackets`);
    await rig.page.waitForFunction(() => (document.querySelector('.linger-box img') as HTMLImageElement)?.naturalWidth > 0);
    expect(await hero.isVisible()).toBe(true);
    // The default hero is still in place, invisible, holding the slot's size.
    expect(await rig.page.locator('[data-linger-slot="home-hero"] > h1').isVisible()).toBe(false);

    // The list fills the row it has, no more: each item shown has its reason.
    const lis = rig.page.locator('[data-linger-slot="home-recs"] .linger-box li');
    const shown = await lis.count();
    const columns = await rig.page.$eval('[data-linger-slot="home-recs"] .linger-items', (ul) => getComputedStyle(ul).gridTemplateColumns.split(' ').length);
    expect(shown).toBe(columns);
    expect(await lis.first().locator('.linger-reason').textContent()).toBe('Viewed together');
    expect(await lis.first().locator('.linger-name').textContent()).toBe(products[20].name);
    expect(rig.errors).toEqual([]);

    if (process.env.SCREENSHOTS) {
      mkdirSync('docs/screenshots', { recursive: true });
      await rig.page.evaluate(() => document.fonts.ready);
      await rig.page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await rig.page.screenshot({ path: 'docs/screenshots/slots-home.png' });
    }
  });

  it('cause no layout shift: CLS from the page and its slots is 0, the control shift is seen', async () => {
    // The decision comes late in the window, after the default content has been laid out.
    const rig = await open('/', { delayMs: 400, body: { decisions: [{ ...HERO, content: { ...HERO.content, text: 'A very long text. '.repeat(40) } }, recs('home-recs', 30)] } });
    await settledSlots(rig.page, 'home-hero', 'home-recs');
    await rig.page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await sleep(300);
    const shifts = await rig.page.evaluate(() => (window as any).shifts);
    expect(shifts).toEqual([]);

    // The control: what the hand-wired list used to do (grow the page by a row) is measured.
    await rig.page.evaluate(() => {
      const row = document.createElement('div');
      row.style.height = '200px';
      const slot = document.querySelector('[data-linger-slot="home-recs"]')!;
      slot.parentNode!.insertBefore(row, slot);
    });
    await sleep(300);
    const after = await rig.page.evaluate(() => (window as any).shifts);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].value).toBeGreaterThan(0);
  });

  it('cause no layout shift on product and cart pages either', async () => {
    const product = products.find((p) => p.inStock)!;
    for (const [path, slot] of [[`/p/${product.id}`, 'product-fbt'], ['/cart', 'cart-upsell']]) {
      const rig = await open(path, { delayMs: 300, body: { decisions: [recs(slot, 10)] } });
      await settledSlots(rig.page, slot);
      expect(await stateOf(rig.page, slot)).toBe('filled');
      if (slot === 'product-fbt') expect(rig.decides[0].searchParams.get('item')).toBe(product.id);
      await rig.page.waitForFunction(() => [...document.images].every((i) => i.complete));
      await sleep(300);
      expect(await rig.page.evaluate(() => (window as any).shifts)).toEqual([]);
      await context!.close();
    }
  });

  it('count an impression only after a second at half visibility; scrolling past gives none', async () => {
    // A short window: the recommendations start below the fold.
    const rig = await open('/', { decisions: [HERO, recs('home-recs', 12)] }, { viewport: { width: 1280, height: 420 } });
    await settledSlots(rig.page, 'home-hero', 'home-recs');
    // Scrolling past, quickly, several times.
    for (let i = 0; i < 4; i++) {
      await reveal(rig.page, 'home-recs', 1);
      await sleep(400);
      await rig.page.evaluate(() => scrollTo(0, 0));
      await sleep(300);
    }
    // Less than half of it, for long.
    await reveal(rig.page, 'home-recs', 0.4);
    await sleep(1_600);
    expect(named(rig, 'view_item_list')).toEqual([]);

    // Half and more, for a second: one impression, with the items that are shown.
    await reveal(rig.page, 'home-recs', 0.6);
    await sleep(1_500);
    const views = named(rig, 'view_item_list');
    expect(views).toHaveLength(1);
    const shown = await rig.page.$$eval('[data-linger-slot="home-recs"] .linger-box li', (lis) => lis.map((li) => (li as HTMLElement).dataset.item));
    expect(views[0].props).toMatchObject({ slot: 'home-recs', item_list_name: 'home-recs', campaign_id: 'cmp_recs', variant: 'personal', decision_id: 'dec_home-recs' });
    expect(views[0].props.items.map((i: any) => i.item_id)).toEqual(shown);
    expect(views[0].props.items.map((i: any) => i.position)).toEqual(shown.map((_, i) => i));

    // Back and forth again: still one per decision and page view.
    await rig.page.evaluate(() => scrollTo(0, 0));
    await sleep(300);
    await reveal(rig.page, 'home-recs', 1);
    await sleep(1_500);
    expect(named(rig, 'view_item_list')).toHaveLength(1);
    expect(named(rig, 'view_promotion')).toHaveLength(1); // the hero, seen at the top
  });

  it('count no impression in a background tab', async () => {
    // Playwright keeps every headless tab "visible" (its focus emulation), so the tab is put in
    // the background through the Page Visibility API's own state and event, as the browser does.
    const setTab = (state: 'hidden' | 'visible') =>
      rig.page.evaluate((state) => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    const rig = await open('/', { decisions: [HERO] }, { start: false });
    await setTab('hidden');
    await startRenderer(rig.page, { decideTimeoutMs: 60_000 }); // (the default is gone by now; ours may replace it)
    await settledSlots(rig.page, 'home-hero');
    expect(await stateOf(rig.page, 'home-hero')).toBe('filled');
    await sleep(2_000);
    expect(rig.events).toEqual([]);

    // In front for less than a second, then away again: still nothing.
    await setTab('visible');
    await sleep(500);
    await setTab('hidden');
    await sleep(1_500);
    expect(rig.events).toEqual([]);

    // In front for a second: the one impression.
    await setTab('visible');
    await sleep(1_500);
    expect(named(rig, 'view_promotion')).toHaveLength(1);
  });

  it('attribute clicks: select_promotion and select_item with the campaign, and the promotion context for the cart', async () => {
    const rig = await open('/', { decisions: [HERO, recs('home-recs', 12)] });
    await settledSlots(rig.page, 'home-hero', 'home-recs');
    await rig.page.click('[data-linger-slot="home-recs"] .linger-box li:nth-child(2) a');
    await rig.page.waitForURL(`**/p/${products[21].id}`);
    const select = named(rig, 'select_item');
    expect(select).toHaveLength(1);
    expect(select[0].props).toMatchObject({
      slot: 'home-recs', item_list_name: 'home-recs', campaign_id: 'cmp_recs', variant: 'personal', decision_id: 'dec_home-recs',
      item_id: products[21].id, item_name: products[21].name, position: 1,
    });
    const promo = await rig.page.evaluate(() => JSON.parse(localStorage.getItem('linger:promo')!));
    expect(promo[products[21].id]).toEqual({ promotion_id: 'cmp_recs', creative_slot: 'home-recs', decision_id: 'dec_home-recs' });

    await rig.page.goto(`${base}/`); // (the renderer starts with the page)
    await settledSlots(rig.page, 'home-hero');
    await rig.page.click('[data-linger-slot="home-hero"] a.linger-cta');
    await rig.page.waitForURL('**/c/jackets');
    expect(named(rig, 'select_promotion').map((e) => e.props)).toEqual([
      { slot: 'home-hero', promotion_id: 'cmp_spring', promotion_name: HERO.content.title, creative: 'ten-percent', campaign_id: 'cmp_spring', variant: 'ten-percent', decision_id: 'dec_hero', position: 0 },
    ]);
  });

  it('keep the default content when the collector is down or late, and nothing breaks', async () => {
    for (const answer of ['abort', { delayMs: 1_500, body: { decisions: [HERO] } }] as Answer[]) {
      const rig = await open('/', answer);
      await settledSlots(rig.page, 'home-hero', 'home-recs');
      expect(await stateOf(rig.page, 'home-hero')).toBe('default');
      await sleep(1_500); // a late answer changes nothing
      expect(await rig.page.locator('[data-linger-slot="home-hero"] > h1').isVisible()).toBe(true);
      expect(await rig.page.locator('[data-linger-slot="home-recs"] > ul li').count()).toBe(4);
      expect(await rig.page.locator('.linger-box').count()).toBe(0);
      expect(rig.errors).toEqual([]);
      // The shop's own script still works.
      await rig.page.fill('.search input', 'lamp');
      await rig.page.press('.search input', 'Enter');
      await rig.page.waitForSelector('#results .grid');
      await context!.close();
    }
  });

  it('never replace default content the visitor has been shown: the wait ends with the CSS window, 800 ms after the navigation', async () => {
    // A tracker that comes 300 ms after the page is parsed, and an answer 600 ms after it asks:
    // within 800 ms of the request, but after the anti-flicker CSS has shown the default hero.
    const timeline = `window.timeline = [];
      const poll = () => {
        const h1 = document.querySelector('[data-linger-slot="home-hero"] > h1');
        const box = document.querySelector('[data-linger-slot="home-hero"] .linger-box');
        const now = h1 ? (getComputedStyle(h1).visibility === 'visible' ? 'default' : box ? 'ours' : 'blank') : 'none';
        if (timeline.at(-1)?.shown !== now) timeline.push({ at: Math.round(performance.now()), shown: now });
        if (performance.now() < 2500) requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);`;
    const rig = await open('/', { delayMs: 600, body: { decisions: [HERO] } }, { startAfterMs: 300, init: timeline });
    await settledSlots(rig.page, 'home-hero');
    await sleep(2_000);
    const shown: { at: number; shown: string }[] = await rig.page.evaluate(() => (window as any).timeline);
    const first = shown.findIndex((s) => s.shown === 'default');
    expect(first, JSON.stringify(shown)).toBeGreaterThanOrEqual(0);
    // Once the default hero was on screen, it stayed.
    expect(shown.slice(first).map((s) => s.shown), JSON.stringify(shown)).toEqual(['default']);
    expect(await stateOf(rig.page, 'home-hero')).toBe('default');
    expect(rig.decides).toHaveLength(1);
    expect(rig.errors).toEqual([]);
  });

  it('report the same exposure in both arms when the treatment has nothing that fits: the default stays, no empty list is sent', async () => {
    // A recommendation slot too short for a single tile.
    const short = `addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = '.recs { height: 5rem; min-height: 0; overflow: hidden }'; document.head.append(s); });`;
    const events: Record<string, { name: string; props: any }[]> = {};
    for (const arm of ['personal', 'holdout']) {
      const decision = arm === 'holdout' ? { ...recs('home-recs', 12), variant: 'holdout', content: null } : recs('home-recs', 12);
      const rig = await open('/', { decisions: [decision] }, { init: short });
      await settledSlots(rig.page, 'home-recs');
      expect(await stateOf(rig.page, 'home-recs')).toBe('default');
      expect(await rig.page.locator('[data-linger-slot="home-recs"] .linger-box').count()).toBe(0);
      expect(await rig.page.locator('[data-linger-slot="home-recs"] > h2').isVisible()).toBe(true);
      await reveal(rig.page, 'home-recs', 1);
      await sleep(1_600);
      events[arm] = rig.events;
      await context!.close();
    }
    const exposure = (variant: string) => ({ name: 'view_promotion', props: { promotion_id: 'cmp_recs', slot: 'home-recs', campaign_id: 'cmp_recs', variant, decision_id: 'dec_home-recs', position: 1 } });
    expect(events.holdout).toEqual([exposure('holdout')]);
    expect(events.personal).toEqual([exposure('personal')]);
  });

  it('render a malicious creative inert: no script, no handler, no javascript: link, no foreign image', async () => {
    const evil = {
      type: 'promotion',
      title: '<script>window.pwned = 1; alert("title")</script>',
      text: '<img src="https://evil.example/x.png" onerror="alert(\'text\')"><style>body{display:none}</style>',
      code: '"><svg onload=alert(1)>',
      cta: '<b onmouseover="alert(1)">click</b>',
      link: 'javascript:alert("link")',
      image: 'https://evil.example/tracker.png',
      style: 'position:fixed;inset:0;background:red',
    };
    const rig = await open('/', {
      decisions: [
        { ...HERO, content: evil },
        { ...recs('home-recs', 2), content: { type: 'recommendation', title: '</h2><script>alert(2)</script>', items: [{ item_id: '"><img src=x onerror=alert(3)>', name: '<img src=x onerror=alert(4)>', price: 1, reason: '<script>alert(5)</script>' }] } },
      ],
    });
    await settledSlots(rig.page, 'home-hero', 'home-recs');
    await rig.page.hover('[data-linger-slot="home-hero"] .linger-box');
    await sleep(500);
    expect(rig.dialogs).toEqual([]);
    expect(await rig.page.evaluate(() => (window as any).pwned)).toBeUndefined();
    expect(rig.foreign).toEqual([]);
    expect(await rig.page.locator('.linger-box script, .linger-box style, .linger-box svg, .linger-box b, [onerror], [onload], [onmouseover]').count()).toBe(0);
    expect(await rig.page.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await rig.page.locator('[data-linger-slot="home-hero"] .linger-title').textContent()).toBe(evil.title);
    expect(await rig.page.locator('[data-linger-slot="home-hero"] .linger-text').textContent()).toBe(evil.text);
    expect(await rig.page.locator('body').isVisible()).toBe(true);
    expect(await rig.page.locator('[data-linger-slot="home-recs"] .linger-name').textContent()).toBe('<img src=x onerror=alert(4)>');
    // The item link stays on the shop, its id encoded.
    expect(await rig.page.locator('[data-linger-slot="home-recs"] .linger-box a').getAttribute('href')).toBe(`${base}/p/${encodeURIComponent('"><img src=x onerror=alert(3)>')}`);
    expect(rig.errors).toEqual([]);
  });

  it('show the exit voucher when the pointer leaves through the top, as a fixed overlay that moves nothing', async () => {
    const voucher = {
      slot: 'exit-voucher',
      campaign: 'cmp_exit',
      variant: 'ten-off-cart',
      decision_id: 'dec_exit',
      content: { type: 'promotion', title: 'Before you go: 10 % off your cart', text: 'Your cart is saved. Complete your order today with code {code}.', code: 'STAY10', link: '/cart', cta: 'Back to my cart' },
    };
    const inCart = products.filter((p) => p.inStock).slice(0, 2);
    const rig = await open('/cart', (url) => ({ decisions: url.searchParams.get('exit') ? [voucher] : [recs('cart-upsell', 8)] }), {
      cart: inCart.map((p) => ({ id: p.id, qty: 1 })),
    });
    await rig.page.waitForSelector('#cart .lines');
    await settledSlots(rig.page, 'cart-upsell');
    expect(rig.decides.map((u) => u.searchParams.get('slots'))).toEqual(['cart-upsell']);
    // From here on, nothing may move: the shop's cart (drawn by shop.js after load) is in place.
    await sleep(300);
    await rig.page.evaluate(() => ((window as any).shifts = []));
    await rig.page.mouse.move(600, 300);
    await rig.page.mouse.move(600, 5);
    await rig.page.mouse.move(600, -20);
    await settledSlots(rig.page, 'exit-voucher');
    expect(rig.decides).toHaveLength(2);
    expect(Object.fromEntries(rig.decides[1].searchParams)).toMatchObject({ slots: 'exit-voucher', exit: '1', page: 'cart' });
    const overlay = rig.page.locator('[data-linger-slot="exit-voucher"]');
    expect(await overlay.isVisible()).toBe(true);
    expect(await overlay.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    expect(await overlay.locator('.linger-code').textContent()).toBe('STAY10');
    await sleep(1_300);
    expect(named(rig, 'view_promotion').map((e) => e.props.campaign_id)).toEqual(['cmp_exit']);
    expect(await rig.page.evaluate(() => (window as any).shifts)).toEqual([]);
    if (process.env.SCREENSHOTS) await rig.page.screenshot({ path: 'docs/screenshots/slots-exit-voucher.png' });
    await overlay.locator('.linger-close').click();
    expect(await overlay.isVisible()).toBe(false);
  });
});
