// Wires the page to the tracker: page views (including single-page-app navigation), engaged
// time and delegated clicks. Declarative product tracking through data attributes is a file of
// its own (items.ts), loaded only on pages with such markup. Delivery (beacon on hide, retry
// when back online) does not depend on autotrack: the outbox sees to that.
import type { Tracker } from './tracker';
import { visible } from './engagement';
import { MAX_URL } from './urls';

/** The product tracking's module (linger-items.js). */
type Items = typeof import('./items');

// Pointer events cover mouse, pen and touch; scroll covers the wheel. The page becoming visible
// counts too (the document's visibilitychange reaches the window's capturing listener, before
// the outbox's: hiding is the outbox's, which asks the tracker for the final engagement report).
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'visibilitychange'];

/** Product markup (a product page's product and list items carry data-linger-item): a page with any loads linger-items.js, and clicks in it go there. */
const ITEM_MARKUP = '[data-linger-item],[data-linger-event]';

/** Runs `fn` once the document is parsed, in a task of its own (the page view's is done). */
export function whenParsed(fn: () => void): void {
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', fn); // (it fires once; from the document up to the window)
  else setTimeout(fn);
}

/**
 * `onPage` runs after each page view (until consent is withdrawn), once the document is parsed (the slot renderer's check);
 * `loadItems` loads the product tracking's file.
 */
export function autotrack(t: Tracker, onPage: () => void, loadItems: () => Promise<Items>): void {
  let items: Items | undefined;
  let loading: Promise<unknown> | undefined;
  /** Clicks in product markup made before its file was loaded, in order. */
  const held: Element[] = [];
  /** The product view was made here, before the file arrived. */
  let viewed = false;
  const click = (target: Element) => items?.itemClick(t, target) || plainClick(t, target);
  // Held clicks go once the file is here; if it cannot be loaded, or the page hides first (it
  // may be going away), they go as plain clicks, and a product page's view goes with its item
  // id only (the file's scan then leaves it out): less precise, but never lost.
  const release = () => {
    const product = !items && !viewed && document.querySelector<HTMLElement>('[data-linger-view-item]');
    if (product) (viewed = true), t.track('view_item', { item_id: product.dataset.lingerItem! });
    held.splice(0).forEach(click);
  };
  // Loaded once, when a parsed page view has product markup (or a click is held: markup a script
  // added later); the page is scanned when it arrives (page views that came meanwhile make one
  // scan, of the current page), and later page views at once.
  const load = () => (loading ||= loadItems().then((m) => (items = m).scan(t, viewed), () => {}).then(release));

  for (const type of ACTIVITY) addEventListener(type, () => (visible() ? t.active() : release()), true); // (none of these can block scrolling: no need for passive)

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

  // (on the window, capturing: before any handler of the page's)
  addEventListener(
    'click',
    (e) => {
      const target = e.target as Element;
      if (target.closest) items || !target.closest(ITEM_MARKUP) ? click(target) : (held.push(target), whenParsed(load));
    },
    true,
  );

  const page = () => {
    viewed = false; // (the file's scan is of the current page)
    // Consent withdrawn: the page view was not made, and nothing of the page is tracked or decided for.
    if (t.page()) return;
    whenParsed(() => {
      if (document.querySelector(ITEM_MARKUP)) items ? items.scan(t) : load();
      onPage();
    });
  };
  page();
}

/** A click on a link, a button or an element marked `data-linger-click`. */
function plainClick(t: Tracker, target: Element): void {
  const el = target.closest<HTMLElement>('a,button,[data-linger-click]');
  if (!el) return;
  // Links are recorded without query or fragment: those can carry personal data. (And cut to the schema's limit.)
  const href = (el as HTMLAnchorElement).href;
  t.track('click', {
    element: el.localName.slice(0, 20), // (the tag name, in lower case; a custom element's cut to the schema's limit)
    label: el.dataset.lingerClick?.slice(0, 100),
    link_url: href && href.split(/[?#]/)[0].slice(0, MAX_URL),
  });
}
