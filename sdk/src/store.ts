// The durable event queue in IndexedDB, shared by the visitor's tabs. Each operation is one
// transaction of one to three requests. The outbox opens it only when a page needs it.
//
// Written against IndexedDB directly rather than through `idb`: this file needs four
// operations, and idb (its proxies, async iterators) would cost 1.46 KB gzip, over a third
// of the tracker's size budget (measured: docs/benchmarks.md).
import type { EventInput } from '../schema/events';
import { MAX_QUEUED_EVENTS } from '../schema/limits';
import { addDropped } from './local';

/** A queued event's key: IndexedDB's, or the event itself in memory. */
export type Key = unknown;

export interface Store {
  /** Queues events; beyond the bound the oldest are dropped and counted. */
  add(events: EventInput[]): Promise<unknown>;
  /** The oldest queued events, at most `maxEvents`, and their keys. */
  peek(maxEvents: number): Promise<{ keys: Key[]; events: EventInput[] }>;
  remove(keys: Key[]): Promise<unknown>;
}

const result = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const done = (t: IDBTransaction) =>
  new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = t.onabort = () => reject(t.error);
  });

export const DB_NAME = 'linger';

export async function openStore(): Promise<Store> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('q', { autoIncrement: true });
  const db = await result(open);
  // Erasing the database (consent withdrawn) waits for open connections: let it proceed.
  db.onversionchange = () => db.close();
  const q = (mode?: IDBTransactionMode) => db.transaction('q', mode).objectStore('q');
  return {
    async add(events) {
      // One transaction, so two tabs adding at once cannot both miss the bound.
      const s = q('readwrite');
      for (const e of events) s.add(e);
      const excess = (await result(s.count())) - MAX_QUEUED_EVENTS;
      if (excess > 0) {
        const oldest = await result(s.getAllKeys(null, excess));
        s.delete(IDBKeyRange.upperBound(oldest[excess - 1]));
        addDropped(excess);
      }
      return done(s.transaction);
    },
    async peek(maxEvents) {
      const s = q();
      const [keys, events] = await Promise.all([result(s.getAllKeys(null, maxEvents)), result(s.getAll(null, maxEvents))]);
      return { keys, events };
    },
    remove(keys) {
      // Keys come from peek: consecutive, in order, so one range holds exactly them.
      const s = q('readwrite');
      if (keys.length) s.delete(IDBKeyRange.bound(keys[0] as IDBValidKey, keys[keys.length - 1] as IDBValidKey));
      return done(s.transaction);
    },
  };
}

/**
 * The queue in memory, where IndexedDB cannot be used (the outbox writes it to localStorage
 * when the page hides). The keys are the events themselves.
 */
export function memoryStore(list: EventInput[]): Store {
  return {
    async add(events) {
      list.push(...events);
    },
    async peek(maxEvents) {
      const events = list.slice(0, maxEvents);
      return { keys: events, events };
    },
    async remove(keys) {
      without(list, keys);
    },
  };
}

/** Removes these items from the list, in place. */
export function without<T>(list: T[], items: unknown[]): void {
  for (const item of items) {
    const i = list.indexOf(item as T);
    if (i >= 0) list.splice(i, 1);
  }
}
