// Which campaign showed an item: GA4's promotion fields, kept in localStorage so that the
// tracker can copy them onto the item when it is later added to the cart or bought.
import { PROMO_KEY } from '../render-host';

export interface PromoContext {
  promotion_id: string;
  promotion_name?: string;
  creative_slot?: string;
  decision_id?: string;
}

/** The newest this many items are kept. */
const MAX_ITEMS = 50;

export function rememberPromotion(itemIds: string[], promo: PromoContext) {
  try {
    const stored = JSON.parse(localStorage.getItem(PROMO_KEY) ?? '{}');
    // A Map, not a plain object, for item ids (strings from the network) while we work on them.
    // (Object(): null or a number gives no entries.)
    const map = new Map<string, unknown>(Object.entries(Object(stored)));
    for (const id of itemIds) map.delete(id), map.set(id, promo);
    const newest = [...map].slice(-MAX_ITEMS);
    localStorage.setItem(PROMO_KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // storage full or blocked: the promotion fields are a nicety, never worth an error
  }
}
