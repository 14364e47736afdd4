// The declarative product tracking (sdk/src/items.ts, linger-items.js) reads its events from the
// page's markup: whatever the page holds, what it sends is within the collector's bounds
// (sdk/schema/events.ts), and a list the page recorded itself is not recorded again.
import { afterEach, describe, expect, it } from 'vitest';
import { EventSchema, type EventName } from '../../sdk/schema/events';
import { itemClick, scan } from '../../sdk/src/items';
import * as v from 'valibot';

let tracked: { name: EventName; props: any }[] = [];
const t = { track: (name: EventName, props: any = {}) => void tracked.push({ name, props }) };
/** Whether the collector would take the event (the schema's own check, with a valid envelope). */
const accepted = (e: { name: EventName; props: any }) =>
  v.safeParse(EventSchema, { event_id: 'evt_00000001', name: e.name, visitor_id: 'visitor_0001', session_id: 'session_0001', page_id: 'page_0001', seq: 1, ts: Date.now(), url: 'https://shop.example/', props: e.props });

afterEach(() => {
  tracked = [];
  document.body.innerHTML = '';
});

describe('product markup', () => {
  it('is cut to the collector\'s bounds: long names, categories, ids and list names, out-of-range prices', () => {
    const long = 'x'.repeat(500);
    document.body.innerHTML = `
      <div data-linger-view-item data-linger-item="${long}" data-linger-name="${long}" data-linger-category="${long}" data-linger-price="1e12"></div>
      <ul data-linger-list="${long}">
        <li data-linger-item="p1" data-linger-name="${long}" data-linger-price="Infinity"><a id="tile">x</a></li>
        <li data-linger-item="">no id</li>
        <li data-linger-item="p2" data-linger-price="-3"><button data-linger-event="add_to_cart" id="add">Add</button></li>
      </ul>`;
    scan(t);
    itemClick(t, document.getElementById('tile')!);
    itemClick(t, document.getElementById('add')!);
    expect(tracked.map((e) => e.name)).toEqual(['view_item', 'view_item_list', 'select_item', 'add_to_cart']);
    for (const e of tracked) expect(accepted(e).issues?.map((i) => i.message), e.name).toBeUndefined();
    const [view, list, select] = tracked;
    expect(view.props).toEqual({ item_id: 'x'.repeat(100), item_name: 'x'.repeat(200), item_category: 'x'.repeat(200), price: undefined });
    expect(list.props.item_list_name).toHaveLength(200);
    expect(list.props.items.map((i: any) => [i.item_id, i.price, i.position])).toEqual([['p1', undefined, 0], ['p2', undefined, 1]]);
    expect(select.props).toMatchObject({ item_id: 'p1', position: 0 });
  });

  it('leaves out what the collector would refuse: a product without id, an unknown action, an item action without an item', () => {
    document.body.innerHTML = `
      <div data-linger-view-item data-linger-name="No id"></div>
      <button data-linger-event="add_to_wishlist" id="wish">Wish</button>
      <button data-linger-event="add_to_cart" id="orphan">Add</button>
      <button data-linger-event="begin_checkout" id="checkout">Checkout</button>`;
    scan(t);
    expect(itemClick(t, document.getElementById('wish')!)).toBe(false); // a plain click
    expect(itemClick(t, document.getElementById('orphan')!)).toBe(false);
    expect(itemClick(t, document.getElementById('checkout')!)).toBe(true);
    expect(tracked).toEqual([{ name: 'begin_checkout', props: {} }]);
  });

  it('does not record again a list the page recorded itself (data-linger-viewed); its clicks still count', () => {
    document.body.innerHTML = `
      <ul data-linger-list="Search results" data-linger-viewed><li data-linger-item="p1"><a id="hit">x</a></li></ul>
      <ul data-linger-list="Related"><li data-linger-item="p2">y</li></ul>`;
    scan(t);
    itemClick(t, document.getElementById('hit')!);
    expect(tracked.map((e) => [e.name, e.props.item_list_name])).toEqual([['view_item_list', 'Related'], ['select_item', 'Search results']]);
  });
});
