// localStorage as JSON. Its writes are synchronous, so they survive a page that unloads right
// after them, and the visitor's other tabs see them at once. It never throws: storage may be
// disabled or full, and what is read may be anything (any script of the page can write it).

/** Every key of the SDK's starts with this (consent withdrawn: all are erased). */
export const PREFIX = 'linger:';
/** Visitor id, session and sequence number (tracker.ts). */
export const STATE_KEY = 'linger:state';
/** Events not yet in IndexedDB when the page hid, one key per page: this and a suffix (outbox.ts). */
export const JOURNAL_KEY = 'linger:q';
/** Set once events were written to IndexedDB: pages then open it to send what it holds (outbox.ts). */
export const IDB_USED_KEY = 'linger:idb';
/** The count of events given up, until reported (outbox.ts). */
export const DROPPED_KEY = 'linger:dropped';

/** What `fn` gives, or undefined when it throws (every use of localStorage, and the tracker's JSON of an event). */
export function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    // (storage unavailable or full, or a value JSON cannot take)
  }
}

/** The value kept under `key`; undefined when there is none, or it is not JSON, or storage is unavailable. */
export const load = (key: string): any => attempt(() => JSON.parse(localStorage.getItem(key)!));

/** Keeps `value` under `key` (storage unavailable or full: kept in memory only). */
export const save = (key: string, value: unknown): unknown => attempt(() => localStorage.setItem(key, JSON.stringify(value)));

export const remove = (key: string): unknown => attempt(() => localStorage.removeItem(key));

/**
 * Events given up (beyond the queue's bounds, refused alone by the collector, or unsendable) and
 * not reported yet. Never below 0: two tabs may report the same count, and both subtract it
 * (the collector refuses a batch with a negative count, and its events with it).
 */
export const dropped = (): number => Math.max(0, load(DROPPED_KEY) | 0);

/** Counts `n` more events given up (a negative `n`: reported to the collector; a count below 0 is read as 0). */
export function addDropped(n: number): void {
  if (n) save(DROPPED_KEY, dropped() + n);
}
