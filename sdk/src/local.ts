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

export function load(key: string): any {
  try {
    return JSON.parse(localStorage.getItem(key)!);
  } catch {
    // unavailable or not JSON: as if empty
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // unavailable or full: kept in memory only
  }
}

export function remove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // unavailable: nothing kept
  }
}

/** Events given up (beyond the queue's bounds, or refused alone by the collector) and not reported yet. */
export const dropped = (): number => load(DROPPED_KEY) | 0;

/** Counts `n` more events given up (a negative `n`: reported to the collector). */
export function addDropped(n: number): void {
  if (n) save(DROPPED_KEY, dropped() + n);
}
