// linger-store.js: the durable outbox and its IndexedDB queue, which the tracker loads only when
// a page needs them (lite-outbox.ts says when).
import type { Beacon, Handover, Post, Source } from './outbox';
import { openStore } from './idb';
import { createOutbox } from './outbox';

export { openStore, createOutbox };

/** The durable outbox on the IndexedDB queue, taking over from the lite outbox. */
export const takeOver = (post: Post, beacon: Beacon, source: Source, from: Handover) => createOutbox(openStore, post, beacon, source, from);
