// The SDK's durable state in IndexedDB: the outbound event queue, and a few keys
// (visitor id, session, sequence number, dropped-event count).
//
// Written against IndexedDB directly rather than through `idb`: this file needs five
// operations, and idb (its proxies, async iterators) would cost 1.46 KB gzip, over a third
// of the tracker's 4 KB budget (measured: docs/benchmarks.md).
import type { EventInput } from '../schema/events';
import { MAX_QUEUED_AGE_MS, MAX_QUEUED_EVENTS } from '../schema/limits';

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<unknown>;
  /** Queues an event; beyond the bounds the oldest events are dropped and counted under "dropped". */
  add(event: EventInput): Promise<unknown>;
  /** The oldest queued events, at most `maxEvents` and about `maxBytes` of JSON (at least one). */
  peek(maxEvents: number, maxBytes: number): Promise<{ keys: IDBValidKey[]; events: EventInput[] }>;
  remove(keys: IDBValidKey[]): Promise<unknown>;
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

/** Walks a cursor while `step` returns true. */
const walk = (r: IDBRequest<IDBCursorWithValue | null>, step: (c: IDBCursorWithValue) => unknown) =>
  new Promise<void>((resolve, reject) => {
    r.onsuccess = () => (r.result && step(r.result) ? r.result.continue() : resolve());
    r.onerror = () => reject(r.error);
  });

export async function openStore(name = 'linger'): Promise<Store> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('q', { autoIncrement: true });
    open.result.createObjectStore('kv');
  };
  const db = await result(open);
  const kv = (mode?: IDBTransactionMode) => db.transaction('kv', mode).objectStore('kv');
  return {
    get: (key) => result(kv().get(key)),
    set: (key, value) => result(kv('readwrite').put(value, key)),
    async add(event) {
      // One transaction, so two tabs adding at once cannot both miss the bound.
      const t = db.transaction(['q', 'kv'], 'readwrite');
      const q = t.objectStore('q');
      q.add(event);
      let excess = (await result(q.count())) - MAX_QUEUED_EVENTS;
      const tooOld = Date.now() - MAX_QUEUED_AGE_MS;
      let dropped = 0;
      await walk(q.openCursor(), (c) => (excess > 0 || c.value.ts < tooOld) && (c.delete(), excess--, ++dropped));
      if (dropped) {
        const counter = t.objectStore('kv');
        counter.put(((await result(counter.get('dropped'))) ?? 0) + dropped, 'dropped');
      }
      return done(t);
    },
    async peek(maxEvents, maxBytes) {
      const keys: IDBValidKey[] = [];
      const events: EventInput[] = [];
      let bytes = 0;
      await walk(db.transaction('q').objectStore('q').openCursor(), (c) => {
        bytes += JSON.stringify(c.value).length;
        if (keys.length && bytes > maxBytes) return false;
        keys.push(c.primaryKey);
        events.push(c.value);
        return keys.length < maxEvents;
      });
      return { keys, events };
    },
    remove(keys) {
      const t = db.transaction('q', 'readwrite');
      for (const k of keys) t.objectStore('q').delete(k);
      return done(t);
    },
  };
}
