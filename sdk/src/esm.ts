// The module build, for shops that bundle their own JavaScript. The durable outbox and its
// IndexedDB queue, the promotion fields and the product tracking come bundled here (the shop's
// bundler decides how to split); the slot renderer is still a file loaded beside `scriptSrc`.
import { createLinger as create } from './api';
import * as durable from './durable';
import * as items from './items';
import * as promotions from './promotions';
import type { Importer } from './slots';
import { STORE_FILE } from './store';

export function createLinger(scriptSrc?: string, importer: Importer = (url) => import(url)) {
  return create(scriptSrc, async (url) => (url.includes(STORE_FILE) ? durable : url.includes(promotions.PROMO_FILE) ? promotions : url.includes(items.ITEMS_FILE) ? items : importer(url)));
}
export type { Command, Config } from './api';
export type { EventName, EventProps, Item } from '../schema/events';
