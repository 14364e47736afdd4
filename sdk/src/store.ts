// The outbox's queue: the interface, and the queue in memory. The durable queue in IndexedDB
// (idb.ts) is a file of its own that the tracker loads only when a page needs it.
import type { EventInput } from '../schema/events';

/** A queued event's key: IndexedDB's, or the event itself in memory. */
export type Key = unknown;

export interface Store {
  /** Queues events; beyond the bound the oldest are dropped and counted. */
  add(events: EventInput[]): Promise<unknown>;
  /** The oldest queued events, at most `maxEvents`, and their keys. */
  peek(maxEvents: number): Promise<{ keys: Key[]; events: EventInput[] }>;
  remove(keys: Key[]): Promise<unknown>;
}

export const DB_NAME = 'linger';

/** The IndexedDB queue's file, beside the tracker's (an ES module exporting `openStore`): loaded only when a page needs the queue. */
export const STORE_FILE = 'linger-store.js';

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
