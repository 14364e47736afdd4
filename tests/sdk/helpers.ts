import { IDBFactory } from 'fake-indexeddb';
import type { Transport } from '../../sdk/src/outbox';

/** Fresh, empty browser storage (IndexedDB and localStorage) for each test. */
export function freshStorage() {
  globalThis.indexedDB = new IDBFactory();
  localStorage.clear();
}

/** A transport that records what it sends and answers with scripted statuses (default 202). */
export function fakeTransport(statuses: (number | 'network' | [number, string])[] = []) {
  const posts: any[] = [];
  const beacons: any[] = [];
  const transport: Transport = {
    async post(body) {
      posts.push(JSON.parse(body));
      const next = statuses.shift() ?? 202;
      if (next === 'network') throw new TypeError('Failed to fetch');
      return Array.isArray(next) ? { status: next[0], retryAfter: next[1] } : { status: next };
    },
    beacon(body) {
      beacons.push(JSON.parse(body));
      return true;
    },
  };
  return { transport, posts, beacons };
}

/** Lets IndexedDB callbacks and promise chains settle (fake-indexeddb schedules with setImmediate). */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}
