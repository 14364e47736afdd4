// Wires the page to the tracker: page views (including single-page-app navigation), engaged
// time, delegated clicks and declarative product tracking through data attributes. Delivery
// (beacon on hide, retry when back online) does not depend on it: the outbox sees to that.
import type { EventName, Item } from '../schema/events';
import { visible } from './engagement';
import type { Tracker } from './tracker';

// Pointer events cover mouse, pen and touch; scroll covers the wheel. The page becoming visible
// counts too (the document's visibilitychange reaches the window's capturing listener; hiding is
// the outbox's: it asks the tracker for the final engagement report first).
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'visibilitychange'];

/** Runs `fn` once the document is parsed, in a task of its own (the page view's is done). */
export function whenParsed(fn: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
  else setTimeout(fn);
}

/** `onPage` runs after each page view, once the document is parsed (the slot renderer's check). */
export function autotrack(t: Tracker, onPage: () => void): void {
  for (const type of ACTIVITY) addEventListener(type, () => visible() && t.active(), true); // (none of these can block scrolling: no need for passive)

  // Single-page apps: a pushState or back/forward to another URL is a new page view.
  const here = () => location.href.split('#')[0];
  let url = here();
  const navigated = () => url !== here() && ((url = here()), page());
  const push = history.pushState;
  history.pushState = function (...args) {
    push.apply(this, args);
    navigated();
  };
  addEventListener('popstate', navigated);
  // Restored from the back/forward cache: the page is shown again without loading.
  addEventListener('pageshow', (e) => e.persisted && page());

  document.addEventListener('click', (e) => click(t, e.target as Element), true);

  const page = () => {
    t.page();
    whenParsed(() => {
      scan(t);
      onPage();
    });
  };
  page();
}

/** Declarative views: `data-linger-view-item` marks a product page's product, `data-linger-list` a product list. */
export function scan(t: Tracker): void {
  document.querySelectorAll<HTMLElement>('[data-linger-view-item]').forEach((el) => t.track('view_item', itemOf(el)));
  document.querySelectorAll<HTMLElement>('[data-linger-list]').forEach((list) => {
    const items = [...list.querySelectorAll<HTMLElement>('[data-linger-item]')].slice(0, 50).map((el, position) => ({ ...itemOf(el), position }));
    if (items.length) t.track('view_item_list', { item_list_name: list.dataset.lingerList, items });
  });
}

function click(t: Tracker, target: Element): void {
  if (!target.closest) return;
  const item = target.closest<HTMLElement>('[data-linger-item]');
  const action = target.closest<HTMLElement>('[data-linger-event]');
  if (action) return void t.track(action.dataset.lingerEvent as EventName, item ? itemOf(item) : {});
  const list = item?.closest<HTMLElement>('[data-linger-list]');
  if (item && list) {
    const position = [...list.querySelectorAll('[data-linger-item]')].indexOf(item);
    return void t.track('select_item', { ...itemOf(item), item_list_name: list.dataset.lingerList, position });
  }
  const el = target.closest<HTMLElement>('a,button,[data-linger-click]');
  if (!el) return;
  // Links are recorded without query or fragment: those can carry personal data.
  const href = (el as HTMLAnchorElement).href;
  t.track('click', {
    element: el.tagName.toLowerCase(),
    label: el.dataset.lingerClick?.slice(0, 100),
    link_url: href ? href.split(/[?#]/)[0] : undefined,
  });
}

/** The item an element describes: data-linger-item (id), -name, -category, -price. */
function itemOf(el: HTMLElement): Item {
  const d = el.dataset;
  const price = parseFloat(d.lingerPrice!); // NaN when absent
  return { item_id: d.lingerItem ?? '', item_name: d.lingerName, item_category: d.lingerCategory, price: price >= 0 ? price : undefined };
}

