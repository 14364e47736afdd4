// linger-store.js: the durable outbox and its IndexedDB queue, which the tracker loads only when
// a page needs them (lite-outbox.ts says when).
export { openStore } from './idb';
export { createOutbox } from './outbox';
