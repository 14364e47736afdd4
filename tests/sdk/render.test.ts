// The slot renderer in a simulated DOM: the decision request, what it puts on the page, the
// timeout, viewable impressions and clicks. fetch and IntersectionObserver are faked; layout
// (sizes, layout shift) is checked in real Chromium by tests/e2e/slots.test.ts.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { render } from '../../sdk/src/render/index';
import { PROMO_KEY, type RenderHost } from '../../sdk/src/render-host';
import { setVisibility } from './helpers';

const COLLECTOR = 'https://collector.example';

/** IntersectionObserver whose ratios the test sets. */
class FakeObserver {
  static all: FakeObserver[] = [];
  targets = new Set<Element>();
  constructor(readonly callback: IntersectionObserverCallback) {
    FakeObserver.all.push(this);
  }
  observe(t: Element) {
    this.targets.add(t);
  }
  unobserve(t: Element) {
    this.targets.delete(t);
  }
  disconnect() {}
}
function setRatio(target: Element, ratio: number) {
  for (const o of FakeObserver.all) {
    if (o.targets.has(target)) o.callback([{ target, isIntersecting: ratio > 0, intersectionRatio: ratio } as any], o as any);
  }
}
const observed = (target: Element) => FakeObserver.all.some((o) => o.targets.has(target));

let tracked: { name: string; props: any }[];
let requests: URL[];
function host(options: RenderHost['options'] = {}): RenderHost {
  return { site: 'demo', origin: COLLECTOR, visitorId: 'visitor-123456', token: 'b'.repeat(32), options, track: (name, props) => tracked.push({ name, props }) };
}
/** Answers /v1/decide with `decisions` (or a Response, or a promise that never settles). */
function answer(decisions: unknown[] | (() => Promise<Response>)) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      requests.push(new URL(url));
      expect(init.credentials).toBe('omit');
      if (typeof decisions === 'function') return decisions();
      return new Response(JSON.stringify({ decisions }), { headers: { 'content-type': 'application/json' } });
    }),
  );
}
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
const slot = (name: string) => document.querySelector<HTMLElement>(`[data-linger-slot="${name}"]`)!;
const named = (name: string) => tracked.filter((e) => e.name === name);

const PROMO = {
  slot: 'home-hero',
  campaign: 'cmp_spring',
  variant: 'ten-off',
  decision_id: 'dec_1',
  content: { type: 'promotion', title: 'Spring sale: {code}', text: 'Ten percent off everything.', code: 'SPRING10', link: '/c/shoes', cta: 'Shop shoes', image: '/img/p001.svg' },
};
const RECS = {
  slot: 'home-recs',
  campaign: 'cmp_recs',
  variant: 'personal',
  decision_id: 'dec_2',
  content: {
    type: 'recommendation',
    title: 'Recommended for you',
    strategy: 'personal',
    items: [
      { item_id: 'p007', name: 'Urban Boot', category: 'Shoes', price: 99.5, reason: 'viewed_together' },
      { item_id: 'p042', name: 'Alpine Tote', category: 'Bags', price: 40, reason: 'trending' },
      { item_id: 'p100', name: 'Classic Tent', category: 'Outdoor', price: 300, reason: 'some_new_reason' },
    ],
  },
};

beforeAll(() => {
  vi.stubGlobal('IntersectionObserver', FakeObserver);
});
beforeEach(() => {
  tracked = [];
  requests = [];
  localStorage.clear();
  setVisibility('visible');
  // performance.now() too: the renderer's wait runs on it (from the page view's start).
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  // happy-dom has no layout: every element gets a box.
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ height: 240, width: 800, top: 0, left: 0, bottom: 240, right: 800 } as DOMRect);
  document.body.setAttribute('data-linger-page', 'home');
  document.body.innerHTML = `
    <section data-linger-slot="home-hero"><h1>Default hero</h1><p>Welcome</p></section>
    <section data-linger-slot="home-recs" data-linger-fallback data-linger-limit="2" data-linger-href="/p/{id}" data-linger-img="/img/{id}.svg" data-linger-currency="EUR"><h2>Popular</h2></section>`;
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the decision request', () => {
  it('asks once for all slots of the page, with the page type, item, category and fallbacks', async () => {
    document.body.innerHTML = `
      <div data-linger-slot="product-fbt" data-linger-page="product" data-linger-item="p012" data-linger-fallback>a</div>
      <div data-linger-slot="cart-upsell" data-linger-category="Shoes">b</div>
      <div data-linger-slot="bad name, with=stuff">c</div>`;
    answer([]);
    render(host());
    await settle();
    expect(requests).toHaveLength(1);
    const u = requests[0];
    expect(u.origin + u.pathname).toBe(`${COLLECTOR}/v1/decide`);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      site: 'demo',
      visitor: 'visitor-123456',
      token: 'b'.repeat(32),
      page: 'product',
      slots: 'product-fbt,cart-upsell',
      item: 'p012',
      category: 'Shoes',
      fallback: 'product-fbt',
    });
  });

  it('sends an unknown page type as "other", and asks only once however often render() is called', async () => {
    document.body.setAttribute('data-linger-page', 'javascript:alert(1)');
    answer([]);
    render(host());
    render(host());
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0].searchParams.get('page')).toBe('other');
  });
});

describe('promotions', () => {
  it('fill the slot with the creative as text, over the default content that keeps the box', async () => {
    answer([PROMO]);
    render(host());
    await settle();
    const hero = slot('home-hero');
    expect(hero.dataset.lingerState).toBe('filled');
    const box = hero.querySelector<HTMLElement>('.linger-box')!;
    expect(box.querySelector('.linger-title')!.textContent).toBe('Spring sale: SPRING10');
    expect(box.querySelector('.linger-text')!.textContent).toBe('Ten percent off everything.');
    expect(box.querySelector('.linger-code')!.textContent).toBe('SPRING10');
    const cta = box.querySelector<HTMLAnchorElement>('a.linger-cta')!;
    expect(cta.getAttribute('href')).toBe('https://shop.example/c/shoes');
    expect(cta.textContent).toBe('Shop shoes');
    expect(box.querySelector('img')!.getAttribute('src')).toBe('https://shop.example/img/p001.svg');
    // The default content is still there, hidden, so the slot keeps its size.
    const h1 = hero.querySelector('h1')!;
    expect(h1.textContent).toBe('Default hero');
    expect(h1.style.visibility).toBe('hidden');
    expect(box.style.position).toBe('absolute');
    expect(hero.style.position).toBe('relative');
  });

  it('count a view after one second at half visibility, once, and attribute clicks', async () => {
    answer([PROMO]);
    render(host());
    await settle();
    const hero = slot('home-hero');
    setRatio(hero, 0.6);
    await vi.advanceTimersByTimeAsync(999);
    expect(named('view_promotion')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const expected = {
      promotion_id: 'cmp_spring',
      promotion_name: 'Spring sale: {code}',
      creative: 'ten-off',
      slot: 'home-hero',
      campaign_id: 'cmp_spring',
      variant: 'ten-off',
      decision_id: 'dec_1',
      position: 0,
    };
    expect(named('view_promotion').map((e) => e.props)).toEqual([expected]);
    // Out and in again: still one impression per decision.
    setRatio(hero, 0);
    setRatio(hero, 1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(named('view_promotion')).toHaveLength(1);

    hero.querySelector<HTMLElement>('.linger-cta')!.click();
    expect(named('select_promotion').map((e) => e.props)).toEqual([expected]);
  });
});

describe('viewable impressions', () => {
  beforeEach(async () => {
    answer([PROMO]);
    render(host());
    await settle();
  });

  it('need one continuous second: in and out quickly gives none', async () => {
    const hero = slot('home-hero');
    for (let i = 0; i < 5; i++) {
      setRatio(hero, 1);
      await vi.advanceTimersByTimeAsync(600);
      setRatio(hero, 0);
      await vi.advanceTimersByTimeAsync(600);
    }
    expect(named('view_promotion')).toHaveLength(0);
  });

  it('need half of the slot: 49 % for long gives none', async () => {
    setRatio(slot('home-hero'), 0.49);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(named('view_promotion')).toHaveLength(0);
  });

  it('need a visible tab: a hidden tab stops the clock, showing it again restarts it', async () => {
    const hero = slot('home-hero');
    setVisibility('hidden');
    setRatio(hero, 1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(named('view_promotion')).toHaveLength(0);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(700);
    setVisibility('hidden'); // switched away before the second was full
    await vi.advanceTimersByTimeAsync(5_000);
    expect(named('view_promotion')).toHaveLength(0);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(named('view_promotion')).toHaveLength(1);
  });
});

describe('the holdout', () => {
  it('keeps the default content and reports its exposure at the same trigger', async () => {
    answer([{ slot: 'home-hero', campaign: 'cmp_spring', variant: 'holdout', decision_id: 'dec_h', content: null }]);
    const before = slot('home-hero').innerHTML;
    render(host());
    await settle();
    const hero = slot('home-hero');
    expect(hero.innerHTML).toBe(before);
    expect(hero.dataset.lingerState).toBe('default');
    setRatio(hero, 0.5);
    await vi.advanceTimersByTimeAsync(500);
    expect(named('view_promotion')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    const expected = { promotion_id: 'cmp_spring', slot: 'home-hero', campaign_id: 'cmp_spring', variant: 'holdout', decision_id: 'dec_h', position: 0 };
    expect(named('view_promotion').map((e) => e.props)).toEqual([expected]);
    hero.innerHTML += '<a href="/c/shoes" id="default-link">Shoes</a>';
    document.getElementById('default-link')!.click();
    expect(named('select_promotion').map((e) => e.props)).toEqual([expected]);
  });
});

describe('recommendations', () => {
  it('fill up to the limit, with names, prices, links, pictures and reasons', async () => {
    answer([RECS]);
    render(host());
    await settle();
    const recs = slot('home-recs');
    expect(recs.dataset.lingerState).toBe('filled');
    expect(recs.querySelector('.linger-box .linger-title')!.textContent).toBe('Recommended for you');
    const lis = [...recs.querySelectorAll<HTMLElement>('.linger-box li')];
    expect(lis.map((li) => li.dataset.item)).toEqual(['p007', 'p042']); // data-linger-limit="2"
    expect(lis.map((li) => li.querySelector('.linger-reason')!.textContent)).toEqual(['Viewed together', 'Trending']);
    expect(lis[0].dataset.reason).toBe('viewed_together');
    expect(lis[0].querySelector('.linger-name')!.textContent).toBe('Urban Boot');
    expect(lis[0].querySelector('.linger-price')!.textContent).toBe((99.5).toLocaleString(undefined, { style: 'currency', currency: 'EUR' }));
    expect(lis[0].querySelector('a')!.getAttribute('href')).toBe('https://shop.example/p/p007');
    expect(lis[0].querySelector('img')!.getAttribute('src')).toBe('https://shop.example/img/p007.svg');
  });

  it('show only the items that fit the slot: one more than half outside is left out and not reported', async () => {
    // Two tiles of 200 × 300 per row in a box of 800 × 240: the second row starts at 220.
    vi.spyOn(HTMLLIElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = [...this.parentElement!.children].indexOf(this);
      const top = i < 2 ? 0 : 220;
      return { top, bottom: top + 300, height: 300, left: (i % 2) * 400, right: (i % 2) * 400 + 200, width: 200 } as DOMRect;
    });
    answer([{ ...RECS, content: { ...RECS.content, items: [...RECS.content.items, { item_id: 'p101', name: 'x', price: 1 }] } }]);
    document.body.innerHTML = '<section data-linger-slot="home-recs"><h2>Popular</h2></section>';
    render(host());
    await settle();
    const recs = slot('home-recs');
    // The first row sticks out by 60 px of 300: kept. The second row is 280 px outside: left out.
    expect([...recs.querySelectorAll<HTMLElement>('.linger-box li')].map((li) => li.dataset.item)).toEqual(['p007', 'p042']);
    setRatio(recs, 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(named('view_item_list')[0].props.items.map((i: any) => [i.item_id, i.position])).toEqual([['p007', 0], ['p042', 1]]);
  });

  it('show an unknown reason as its words', async () => {
    answer([{ ...RECS, content: { ...RECS.content, items: [RECS.content.items[2]] } }]);
    render(host());
    await settle();
    expect(slot('home-recs').querySelector('.linger-reason')!.textContent).toBe('some new reason');
  });

  it('report view_item_list when viewable and select_item on a click, and remember the campaign for the cart', async () => {
    answer([RECS]);
    render(host());
    await settle();
    const recs = slot('home-recs');
    setRatio(recs, 0.8);
    await vi.advanceTimersByTimeAsync(1_000);
    const campaign = { slot: 'home-recs', campaign_id: 'cmp_recs', variant: 'personal', decision_id: 'dec_2', position: 1 };
    const items = [
      { item_id: 'p007', item_name: 'Urban Boot', item_category: 'Shoes', price: 99.5, position: 0 },
      { item_id: 'p042', item_name: 'Alpine Tote', item_category: 'Bags', price: 40, position: 1 },
    ];
    expect(named('view_item_list').map((e) => e.props)).toEqual([{ ...campaign, item_list_name: 'home-recs', items }]);
    const promo = { promotion_id: 'cmp_recs', creative_slot: 'home-recs', decision_id: 'dec_2' };
    expect(JSON.parse(localStorage.getItem(PROMO_KEY)!)).toEqual({ p007: promo, p042: promo });

    recs.querySelectorAll<HTMLElement>('.linger-box li a')[1].click();
    expect(named('select_item').map((e) => e.props)).toEqual([{ ...campaign, ...items[1], item_list_name: 'home-recs', items: [items[1]] }]);
  });

  it('without a campaign (fallback) are reported without campaign fields and leave no promotion context', async () => {
    answer([{ slot: 'home-recs', campaign: null, variant: null, decision_id: null, content: RECS.content }]);
    render(host());
    await settle();
    setRatio(slot('home-recs'), 1);
    await vi.advanceTimersByTimeAsync(1_000);
    const [view] = named('view_item_list');
    expect(view.props.campaign_id).toBeUndefined();
    expect(view.props.decision_id).toBeUndefined();
    expect(view.props.items).toHaveLength(2);
    expect(localStorage.getItem(PROMO_KEY)).toBeNull();
  });

  it('keep the promotion context bounded to the newest 50 items', async () => {
    const old = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`old${i}`, { promotion_id: 'x' }]));
    localStorage.setItem(PROMO_KEY, JSON.stringify(old));
    answer([RECS]);
    render(host());
    await settle();
    setRatio(slot('home-recs'), 1);
    await vi.advanceTimersByTimeAsync(1_000);
    const keys = Object.keys(JSON.parse(localStorage.getItem(PROMO_KEY)!));
    expect(keys).toHaveLength(50);
    expect(keys.slice(-2)).toEqual(['p007', 'p042']);
    expect(keys[0]).toBe('old12');
  });
});

describe('a treatment with nothing to show', () => {
  // The triggered analysis needs the same trigger in both arms (docs/campaigns.md): a treatment
  // that cannot show its list keeps the default content and reports the exposure the holdout would.
  const exposure = { promotion_id: 'cmp_recs', slot: 'home-recs', campaign_id: 'cmp_recs', variant: 'personal', decision_id: 'dec_2', position: 1 };
  const keptDefault = (recs: HTMLElement) => {
    expect(recs.dataset.lingerState).toBe('default');
    expect(recs.querySelector('.linger-box')).toBeNull();
    expect(recs.style.cssText).toBe('');
    expect(recs.querySelector('h2')!.style.visibility).toBe('');
  };

  it('(no items sent) keeps the default content and reports the holdout\'s exposure at the same trigger, never an empty list', async () => {
    answer([{ ...RECS, content: { ...RECS.content, items: [] } }]);
    render(host());
    await settle();
    const recs = slot('home-recs');
    keptDefault(recs);
    setRatio(recs, 0.5);
    await vi.advanceTimersByTimeAsync(999);
    expect(tracked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(tracked).toEqual([{ name: 'view_promotion', props: exposure }]);
    expect(localStorage.getItem(PROMO_KEY)).toBeNull();
  });

  it('(no item fits the slot) takes its list away again and reports the same exposure', async () => {
    // Every tile lies below the box (800 × 240): none is shown. (One spy serves all elements.)
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const top = this.tagName === 'LI' ? 400 : 0;
      return { top, bottom: top + (top ? 300 : 240), height: top ? 300 : 240, left: 0, right: top ? 200 : 800, width: top ? 200 : 800 } as DOMRect;
    });
    answer([RECS]);
    render(host());
    await settle();
    const recs = slot('home-recs');
    keptDefault(recs);
    setRatio(recs, 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracked).toEqual([{ name: 'view_promotion', props: exposure }]);
    expect(named('view_item_list')).toEqual([]);
    recs.innerHTML += '<a href="/c/shoes" id="default-link">Shoes</a>';
    document.getElementById('default-link')!.click();
    expect(named('select_promotion').map((e) => e.props)).toEqual([exposure]);
  });

  it('(an exit overlay) stays hidden and reports the exposure as the holdout\'s', async () => {
    document.body.innerHTML = '<div data-linger-slot="exit-recs" data-linger-exit hidden></div>';
    answer([{ ...RECS, slot: 'exit-recs', content: { ...RECS.content, items: [] } }]);
    render(host());
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: -1, bubbles: true }));
    await settle();
    const overlay = slot('exit-recs');
    expect(overlay.hidden).toBe(true);
    expect(overlay.dataset.lingerState).toBe('default');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tracked).toEqual([{ name: 'view_promotion', props: { ...exposure, slot: 'exit-recs', position: 0 } }]);
  });

  it('(a content type this renderer does not know) keeps the default content and reports the exposure', async () => {
    answer([{ ...PROMO, content: { type: 'video', src: '/x.mp4' } }]);
    render(host());
    await settle();
    const hero = slot('home-hero');
    expect(hero.dataset.lingerState).toBe('default');
    setRatio(hero, 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(named('view_promotion').map((e) => e.props)).toEqual([{ promotion_id: 'cmp_spring', slot: 'home-hero', campaign_id: 'cmp_spring', variant: 'ten-off', decision_id: 'dec_1', position: 0 }]);
  });
});

describe('the wait runs on the anti-flicker CSS\'s clock', () => {
  // The CSS shows the default content 800 ms after the slot's first paint, which cannot come before
  // the navigation: a decision must come within 800 ms of it, not of the renderer's request.
  const never = () => new Promise<Response>((_, reject) => {
    (fetch as any).mock.calls.at(-1)[1].signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  /**
   * `ms` after the navigation to `url` (the page's own by default), with a fresh renderer: its
   * first call is for the document's own page view (the others' calls were in other modules).
   */
  async function pageViewAt(ms: number, url = location.href) {
    vi.spyOn(performance, 'getEntries').mockReturnValue([{ name: url, entryType: 'navigation', startTime: 0 } as PerformanceEntry]);
    await vi.advanceTimersByTimeAsync(ms - performance.now());
    vi.resetModules();
    return ((await import('../../sdk/src/render/index')) as typeof import('../../sdk/src/render/index')).render;
  }

  /** The hero's wait ends 800 ms from now: still waiting at 799 ms, the default content at 800. */
  async function waitEndsIn800ms() {
    await vi.advanceTimersByTimeAsync(799);
    expect(slot('home-hero').dataset.lingerState).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(slot('home-hero').dataset.lingerState).toBe('default');
  }

  it('ends 800 ms after the navigation: a renderer started at 600 ms waits 200 ms', async () => {
    const render = await pageViewAt(600);
    answer(never);
    render(host());
    await settle();
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(slot('home-hero').dataset.lingerState).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(slot('home-hero').dataset.lingerState).toBe('default');
    expect(slot('home-hero').querySelector('.linger-box')).toBeNull();
  });

  it('an answer after it replaces nothing, in either arm', async () => {
    const render = await pageViewAt(700);
    let late: (r: Response) => void = () => {};
    answer(() => new Promise<Response>((resolve, reject) => {
      late = resolve;
      (fetch as any).mock.calls.at(-1)[1].signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    render(host());
    await settle();
    await vi.advanceTimersByTimeAsync(150); // 850 ms after the navigation: the CSS has shown the default
    late(new Response(JSON.stringify({ decisions: [PROMO, { ...RECS, variant: 'holdout', content: null }] })));
    await settle();
    expect(document.querySelector('.linger-box')).toBeNull();
    setRatio(slot('home-hero'), 1);
    setRatio(slot('home-recs'), 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tracked).toEqual([]);
  });

  it('a renderer that starts after it asks for nothing: the default content is on screen', async () => {
    const render = await pageViewAt(900);
    answer([PROMO]);
    render(host());
    await settle();
    expect(requests).toEqual([]);
    expect(slot('home-hero').dataset.lingerState).toBe('default');
  });

  it('a later page view of a single-page app (the URL is no longer the navigation\'s) waits from its own start', async () => {
    const render = await pageViewAt(5_000, 'https://shop.example/landing');
    answer(never);
    render(host());
    await settle();
    expect(requests).toHaveLength(1);
    await waitEndsIn800ms();
  });

  it('a later page view back at the navigation\'s URL (single-page app) waits from its own start', async () => {
    const render = await pageViewAt(100);
    answer([PROMO]);
    render(host());
    await settle();
    expect(slot('home-hero').dataset.lingerState).toBe('filled');
    await vi.advanceTimersByTimeAsync(5_000); // the visitor went elsewhere in the app, and came back
    document.body.innerHTML = '<section data-linger-slot="home-hero"><h1>Default hero</h1></section>';
    answer(never);
    render(host());
    await settle();
    expect(requests).toHaveLength(2);
    await waitEndsIn800ms();
  });

  it('an exit overlay (no default content on screen) waits the full time from the exit intent', async () => {
    const render = await pageViewAt(5_000);
    document.body.innerHTML = '<div data-linger-slot="exit-voucher" data-linger-exit hidden></div>';
    let late: (r: Response) => void = () => {};
    answer(() => new Promise<Response>((resolve) => (late = resolve)));
    render(host());
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: -1, bubbles: true }));
    await settle();
    await vi.advanceTimersByTimeAsync(700);
    late(new Response(JSON.stringify({ decisions: [{ slot: 'exit-voucher', campaign: 'cmp_exit', variant: 'v', decision_id: 'd', content: { type: 'promotion', title: 'Wait!' } }] })));
    await settle();
    expect(slot('exit-voucher').hidden).toBe(false);
  });
});

describe('when the decision is late or fails, the default content stays', () => {
  const untouched = () => {
    for (const name of ['home-hero', 'home-recs']) {
      const s = slot(name);
      expect(s.dataset.lingerState).toBe('default');
      expect(s.querySelector('.linger-box')).toBeNull();
      expect(s.style.cssText).toBe('');
    }
  };

  it('after the timeout (800 ms by default), and a later answer changes nothing', async () => {
    let late: (r: Response) => void = () => {};
    answer(() => new Promise<Response>((resolve, reject) => {
      late = resolve;
      (fetch as any).mock.calls.at(-1)[1].signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    render(host());
    await settle();
    await vi.advanceTimersByTimeAsync(799);
    expect(slot('home-hero').dataset.lingerState).toBeUndefined(); // still waiting: the anti-flicker window
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    untouched();
    late(new Response(JSON.stringify({ decisions: [PROMO] })));
    await settle();
    untouched();
    setRatio(slot('home-hero'), 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tracked).toEqual([]);
  });

  it('with a shorter timeout given by the shop', async () => {
    answer(() => new Promise<Response>((_, reject) => {
      (fetch as any).mock.calls.at(-1)[1].signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    render(host({ decideTimeoutMs: 200 }));
    await settle();
    await vi.advanceTimersByTimeAsync(200);
    await settle();
    untouched();
  });

  it.each([
    ['the collector is down', () => Promise.reject(new TypeError('Failed to fetch'))],
    ['an error status', async () => new Response('{"error":"boom"}', { status: 500 })],
    ['not JSON', async () => new Response('<html>')],
    ['not decisions', async () => new Response('{"decisions": "nope"}')],
  ])('when %s', async (_, respond) => {
    answer(respond);
    render(host());
    await settle();
    untouched();
  });

  it('for decisions that cannot be shown: unknown type, no items, a slot without a box', async () => {
    document.body.innerHTML += '<div data-linger-slot="empty"></div>';
    const empty = slot('empty');
    empty.getBoundingClientRect = () => ({ height: 0 }) as DOMRect;
    answer([
      { ...PROMO, content: { type: 'html', html: '<b>x</b>' } },
      { ...RECS, content: { type: 'recommendation', items: [] } },
      { ...PROMO, slot: 'empty' },
      { ...PROMO, slot: 'not-on-this-page' },
    ]);
    render(host());
    await settle();
    untouched();
    expect(empty.innerHTML).toBe('');
    expect(observed(empty)).toBe(false);
  });
});

describe('a malicious creative is inert', () => {
  const evil = [
    '<script>window.pwned = 1</script>',
    '<img src=x onerror="window.pwned = 1">',
    '</style><style>body{display:none}</style>',
    '"><svg onload=alert(1)>',
  ];

  it('shows markup as text, drops javascript: and data: links, and images from other origins', async () => {
    const links = ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x'];
    answer(
      links.map((link, i) => ({
        slot: i ? `s${i}` : 'home-hero',
        campaign: 'cmp_evil',
        variant: 'v',
        decision_id: `d${i}`,
        content: {
          type: 'promotion',
          title: evil[i % evil.length],
          text: evil.join(' '),
          code: '<b onmouseover=alert(1)>X</b>',
          cta: '<i>go</i>',
          link,
          image: ['https://evil.example/x.png', 'javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>', '//evil.example/y.png', 'http://shop.example:81/z.png'][i],
          style: 'position:fixed;inset:0',
          html: '<script>alert(1)</script>',
        },
      })),
    );
    document.body.innerHTML += links.map((_, i) => (i ? `<div data-linger-slot="s${i}">d</div>` : '')).join('');
    render(host());
    await settle();
    const boxes = [...document.querySelectorAll('.linger-box')];
    expect(boxes).toHaveLength(links.length);
    for (const box of boxes) {
      expect(box.querySelectorAll('script, style, svg, b, i, img, [onerror], [onload], [onmouseover], [style]')).toHaveLength(0);
      expect(box.querySelectorAll('a')).toHaveLength(0);
      expect(box.querySelector('.linger-text')!.textContent).toBe(evil.join(' '));
      expect(box.querySelector('.linger-code')!.textContent).toBe('<b onmouseover=alert(1)>X</b>');
    }
    expect(boxes[0].querySelector('.linger-title')!.textContent).toBe(evil[0]);
    expect((window as any).pwned).toBeUndefined();
  });

  it('gets images only from the allowed origins, links only http(s) or relative', async () => {
    answer([{ ...PROMO, content: { ...PROMO.content, link: 'https://elsewhere.example/sale', image: 'https://cdn.shop.example/a.png' } }]);
    render(host({ imageOrigins: ['https://cdn.shop.example'] }));
    await settle();
    const box = slot('home-hero').querySelector('.linger-box')!;
    expect(box.querySelector('img')!.getAttribute('src')).toBe('https://cdn.shop.example/a.png');
    expect(box.querySelector('a')!.getAttribute('href')).toBe('https://elsewhere.example/sale');
  });

  it('does not let item ids break out of the shop URL templates', async () => {
    const id = '../../evil?x=1#"><script>';
    answer([{ ...RECS, content: { ...RECS.content, items: [{ item_id: id, name: '<script>alert(1)</script>', price: -5, reason: '<b>' }] } }]);
    render(host());
    await settle();
    const li = slot('home-recs').querySelector('.linger-box li')!;
    expect(li.querySelector('a')!.getAttribute('href')).toBe(`https://shop.example/p/${encodeURIComponent(id)}`);
    expect(li.querySelector('img')!.getAttribute('src')).toBe(`https://shop.example/img/${encodeURIComponent(id)}.svg`);
    expect(li.querySelector('.linger-name')!.textContent).toBe('<script>alert(1)</script>');
    expect(li.querySelector('.linger-price')).toBeNull(); // a negative price is no price
    expect(li.querySelectorAll('script, b')).toHaveLength(0);
  });
});

describe('the exit-intent slot', () => {
  beforeEach(() => {
    document.body.innerHTML = `<main data-linger-page="cart"><p>Your cart</p></main>
      <div data-linger-slot="exit-voucher" data-linger-exit data-linger-page="cart" hidden></div>`;
  });
  const leave = (clientY: number, relatedTarget: Element | null = null) =>
    document.dispatchEvent(new MouseEvent('mouseout', { clientY, relatedTarget, bubbles: true }));

  it('asks for a decision (exit=1) only when the pointer leaves through the top, once, and shows the overlay', async () => {
    answer([{ slot: 'exit-voucher', campaign: 'cmp_exit', variant: 'voucher', decision_id: 'dec_x', content: { type: 'promotion', title: 'Wait! 10 % off', code: 'STAY10' } }]);
    render(host());
    await settle();
    expect(requests).toHaveLength(0);
    leave(300); // moving within the page
    leave(-2, document.body); // into another element
    await settle();
    expect(requests).toHaveLength(0);
    leave(-2);
    leave(-2);
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0].searchParams.get('exit')).toBe('1');
    expect(requests[0].searchParams.get('slots')).toBe('exit-voucher');
    expect(requests[0].searchParams.get('page')).toBe('cart');
    const overlay = slot('exit-voucher');
    expect(overlay.hidden).toBe(false);
    expect(overlay.querySelector('.linger-title')!.textContent).toBe('Wait! 10 % off');
    setRatio(overlay, 1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(named('view_promotion')).toHaveLength(1);
    overlay.querySelector<HTMLElement>('.linger-close')!.click();
    expect(overlay.hidden).toBe(true);
  });

  it('for the holdout shows nothing, and counts the exposure after a second of visible tab', async () => {
    answer([{ slot: 'exit-voucher', campaign: 'cmp_exit', variant: 'holdout', decision_id: 'dec_xh', content: null }]);
    render(host());
    leave(0);
    await settle();
    const overlay = slot('exit-voucher');
    expect(overlay.hidden).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(named('view_promotion').map((e) => e.props.variant)).toEqual(['holdout']);
  });
});
