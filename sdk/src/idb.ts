// The durable event queue in IndexedDB, shared by the visitor's tabs. Each operation is one
// transaction of one to three requests. It is a file of its own (linger-store.js), which the
// tracker loads only when a page needs the queue: a delivery failed, or an earlier page left
// events in it. Most pages never load it.
//
// Written against IndexedDB directly rather than through `idb`: this file needs four
// operations, and idb (its proxies, async iterators) would cost 1.46 KB gzip (docs/benchmarks.md).
import { MAX_QUEUED_EVENTS } from '../schema/limits';
import { addDropped } from './local';
import { DB_NAME, type Store } from './store';

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

