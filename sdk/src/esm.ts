// The module build, for shops that bundle their own JavaScript. The IndexedDB queue comes
// bundled here (the shop's bundler decides how to split); the slot renderer is still a file
// loaded beside `scriptSrc`.
import { createLinger as create } from './api';
import { openStore } from './idb';
import type { Importer } from './slots';
import { STORE_FILE } from './store';

export function createLinger(scriptSrc?: string, importer: Importer = (url) => import(url)) {
  return create(scriptSrc, (url) => (url.endsWith(STORE_FILE) ? Promise.resolve({ openStore }) : importer(url)));
}
export type { Command, Config } from './api';
export type { EventName, EventProps, Item } from '../schema/events';
