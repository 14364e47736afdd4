// Cart and purchase events carry the promotion each item was shown in (GA4's item promotion
// fields). The slot renderer records them in localStorage under PROMO_KEY, as
// { [item_id]: { promotion_id, promotion_name?, creative_slot?, decision_id? } }. Any script of
// the page can write there, so only own keys and string values count, cut to the schema's bounds.
// This is a file of its own (linger-promo.js): the tracker loads it only for visitors who were
// shown a promotion, or on pages with slots (api.ts).
import type { EventInput, EventName, EventProps } from '../schema/events';
import { load } from './local';
import { PROMO_KEY } from './render-host';

/** add_to_cart, remove_from_cart, begin_checkout and purchase (of the schema's event names, just these match). */
const PROMOTED = /cart|checkout|purchase/;

/** This module's file, beside the tracker's (an ES module exporting `promote`). */
export const PROMO_FILE = 'linger-promo.js';
const FIELDS = ['promotion_id', 'promotion_name', 'creative_slot', 'decision_id'] as const;

export function withPromotions(name: EventName, props: EventProps): EventProps {
  const shown = PROMOTED.test(name) && load(PROMO_KEY);
  if (!shown) return props;
  /** The item with the promotion it was shown in; the item itself when there was none. */
  const promoted = <T extends { item_id?: unknown }>(item: T): T => {
    const p = Object.hasOwn(shown, item?.item_id as string) && shown[item.item_id as string];
    if (typeof p?.promotion_id !== 'string') return item;
    const out: Record<string, unknown> = { ...item };
    for (const k of FIELDS) if (typeof p[k] === 'string') out[k] ??= p[k].slice(0, 100);
    return out as T;
  };
  if (Array.isArray(props.items)) return { ...props, items: props.items.map(promoted) };
  // A single-item event (item_id and its fields in props): the item, with its promotion, in a one-item `items`.
  const item = promoted(props);
  return item === props ? props : { ...props, items: [item as EventProps & { item_id: string }] };
}

/** The event, with the promotion fields on its items. */
export const promote = (event: EventInput): EventInput => ({ ...event, props: withPromotions(event.name, event.props ?? {}) });
