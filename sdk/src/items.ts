// Declarative product tracking: `data-linger-view-item` marks a product page's product,
// `data-linger-list` a product list of `data-linger-item` elements, `data-linger-event` an
// action on the item it sits in. This is a file of its own (linger-items.js): the tracker loads
// it only on pages with such markup, and holds the clicks in it until it is loaded (autotrack.ts).
// What it reads is the page's text: it is cut to the collector's bounds (sdk/schema/events.ts),
// and what the collector would refuse (an item without id, an unknown event) is not sent as such.
import type { EventName, Item } from '../schema/events';
import { MAX_AMOUNT } from '../schema/limits';
import type { Tracker } from './tracker';

/** This module's file, beside the tracker's (an ES module exporting `scan` and `itemClick`). */
export const ITEMS_FILE = 'linger-items.js';

type Track = Pick<Tracker, 'track'>;

/** The actions a click can record with (at most) the item it sits in: the item events need one with an id. */
const ACTIONS = /^(add_to_cart|remove_from_cart|select_item|view_item|(begin_checkout))$/;

/**
 * Views: the product of a product page (unless the tracker made it already: `viewed`), and each
 * list's items. A list marked `data-linger-viewed` was recorded by the page itself (a list a
 * script drew after the page loaded, and tracked): its clicks count, its view is not made again.
 */
export function scan(t: Track, viewed?: boolean): void {
  if (!viewed) document.querySelectorAll<HTMLElement>('[data-linger-view-item]').forEach((el) => idOf(el) && t.track('view_item', itemOf(el)));
  document.querySelectorAll<HTMLElement>('[data-linger-list]:not([data-linger-viewed])').forEach((list) => {
    const items = [...list.querySelectorAll<HTMLElement>('[data-linger-item]')].filter(idOf).slice(0, 50).map((el, position) => ({ ...itemOf(el), position }));
    if (items.length) t.track('view_item_list', { item_list_name: cut(list.dataset.lingerList, 200), items });
  });
}

/** Records a click on an action (with its item) or on a list's item; false when it was neither (a plain click). */
export function itemClick(t: Track, target: Element): boolean {
  const item = target.closest<HTMLElement>('[data-linger-item]');
  const action = target.closest<HTMLElement>('[data-linger-event]');
  const id = item && idOf(item);
  if (action) {
    // An action the collector would refuse (an unknown name, an item event without an item) is a plain click.
    const name = ACTIONS.exec(action.dataset.lingerEvent!);
    if (!name || !(id || name[2])) return false;
    return t.track(name[1] as EventName, id ? itemOf(item) : {}), true;
  }
  const list = item?.closest<HTMLElement>('[data-linger-list]');
  if (!id || !list) return false;
  const position = [...list.querySelectorAll<HTMLElement>('[data-linger-item]')].filter(idOf).indexOf(item);
  t.track('select_item', { ...itemOf(item), item_list_name: cut(list.dataset.lingerList, 200), position });
  return true;
}

/** A text of the page, at most `max` characters; none when empty. */
const cut = (text: string | undefined, max: number) => text?.slice(0, max) || undefined;

const idOf = (el: HTMLElement) => cut(el.dataset.lingerItem, 100);

/** The item an element describes: data-linger-item (id), -name, -category, -price. */
function itemOf(el: HTMLElement): Item {
  const d = el.dataset;
  const price = parseFloat(d.lingerPrice!); // NaN when absent
  return {
    item_id: idOf(el)!,
    item_name: cut(d.lingerName, 200),
    item_category: cut(d.lingerCategory, 200),
    price: price >= 0 && price <= MAX_AMOUNT ? price : undefined,
  };
}
