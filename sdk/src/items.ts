// Declarative product tracking: `data-linger-view-item` marks a product page's product,
// `data-linger-list` a product list of `data-linger-item` elements, `data-linger-event` an
// action on the item it sits in. This is a file of its own (linger-items.js): the tracker loads
// it only on pages with such markup, and holds the clicks in it until it is loaded (autotrack.ts).
import type { EventName, Item } from '../schema/events';
import type { Tracker } from './tracker';

/** This module's file, beside the tracker's (an ES module exporting `scan` and `itemClick`). */
export const ITEMS_FILE = 'linger-items.js';

type Track = Pick<Tracker, 'track'>;

/** Views: the product of a product page (unless the tracker made it already: `viewed`), and each list's items. */
export function scan(t: Track, viewed?: boolean): void {
  if (!viewed) document.querySelectorAll<HTMLElement>('[data-linger-view-item]').forEach((el) => t.track('view_item', itemOf(el)));
  document.querySelectorAll<HTMLElement>('[data-linger-list]').forEach((list) => {
    const items = [...list.querySelectorAll<HTMLElement>('[data-linger-item]')].slice(0, 50).map((el, position) => ({ ...itemOf(el), position }));
    if (items.length) t.track('view_item_list', { item_list_name: list.dataset.lingerList, items });
  });
}

/** Records a click on an action (with its item) or on a list's item; false when it was neither (a plain click). */
export function itemClick(t: Track, target: Element): boolean {
  const item = target.closest<HTMLElement>('[data-linger-item]');
  const action = target.closest<HTMLElement>('[data-linger-event]');
  if (action) return t.track(action.dataset.lingerEvent as EventName, item ? itemOf(item) : {}), true;
  const list = item?.closest<HTMLElement>('[data-linger-list]');
  if (!item || !list) return false;
  const position = [...list.querySelectorAll('[data-linger-item]')].indexOf(item);
  t.track('select_item', { ...itemOf(item), item_list_name: list.dataset.lingerList, position });
  return true;
}

/** The item an element describes: data-linger-item (id), -name, -category, -price. */
function itemOf(el: HTMLElement): Item {
  const d = el.dataset;
  const price = parseFloat(d.lingerPrice!); // NaN when absent
  return { item_id: d.lingerItem ?? '', item_name: d.lingerName, item_category: d.lingerCategory, price: price >= 0 ? price : undefined };
}
