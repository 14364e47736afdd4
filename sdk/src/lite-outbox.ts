// Delivery on every page: the events wait in memory and go out within a second, by fetch. When
// the page hides, what is not confirmed is written to localStorage (synchronous, so it survives
// the unload; the next page sends it), and this page's new events go out once by sendBeacon.
// The durable outbox (outbox.ts, with IndexedDB, the queue the visitor's tabs share, and the
// isolation of a batch the collector cannot take) is a file of its own, loaded only when this
// is not enough: a delivery failed or the browser is offline, or an earlier page left events in
// IndexedDB. It takes over this queue. If it cannot be loaded (offline, blocked), this outbox
// keeps the events in localStorage, backs off, and tries again.
import type { EventInput } from '../schema/events';
import { MAX_BATCH_EVENTS } from '../schema/limits';
import {
  BEACON_EVENTS,
  FLUSH_DELAY_MS,
  body,
  journalKey,
  retryTime,
  settled,
  takeJournals,
  writeJournal,
  type Beacon,
  type Outbox,
  type Post,
  type Source,
} from './batch';
import { visible } from './engagement';
import { timeId } from './ids';
import { IDB_USED_KEY, addDropped, dropped, load } from './local';
import type { Handover } from './outbox';
import { without } from './store';

/** What the durable outbox's file gives: the outbox, given this one's state. */
export type Takeover = (from: Handover) => Outbox;

export function createLiteOutbox(loadDurable: () => Promise<Takeover>, post: Post, beacon: Beacon, source: Source): Outbox {
  /** Events not confirmed yet, oldest first. */
  const pending = takeJournals();
  const key = journalKey(timeId());
  /** The page has hidden once: from now on the journal follows every change. */
  let journaling = false;
  const journal = () => journaling && writeJournal(key, pending);
  /** This page's newest events, neither confirmed nor handed to a beacon yet. */
  let fresh: EventInput[] = [];
  /** The durable outbox, once it took over: everything goes to it. */
  let durable: Outbox | undefined;
  let loading: Promise<unknown> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = 0;
  let retryAt = 0;
  let failures = 0;
  let sending = false;
  let off = false;

  /**
   * Hands the queue to the durable outbox. If its file cannot be loaded now (offline), the queue
   * is kept in localStorage from now on, so that it outlives the page, and the next need tries again.
   */
  const takeover = () =>
    (loading ||= loadDurable().then(
      (take) => {
        if (off || durable) return;
        durable = take({ pending, fresh, key, journaling, retryAt });
        clearTimeout(timer);
      },
      () => {
        loading = undefined;
        journaling = true;
        journal();
      },
    ));

  /** Flushes after `ms`, unless a flush is already due sooner. */
  const schedule = (ms: number) => {
    const at = Math.max(Date.now() + ms, retryAt);
    if (off || durable || (timer && due <= at)) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = undefined;
      flush();
    }, at - Date.now());
  };

  const flush = async (): Promise<void> => {
    if (durable) return durable.flush();
    if (off || sending) return;
    // Offline, or events of earlier pages in IndexedDB: the durable outbox's part. Offline, it
    // may not load: the events stay here, and `online` flushes them.
    if (!navigator.onLine || load(IDB_USED_KEY)) return void takeover();
    if (Date.now() < retryAt) return schedule(0);
    sending = true;
    source.sync();
    while (pending.length && !off && !durable) {
      // (A batch too large for a keepalive request fails: the durable outbox then sends it in smaller ones.)
      const events = pending.slice(0, MAX_BATCH_EVENTS);
      const given = dropped();
      let res: Response | undefined;
      try {
        res = await post(body(source, events, given));
      } catch {
        // network failure: retried
      }
      if (!settled(res?.status ?? 0)) {
        retryAt = retryTime(res?.headers.get('retry-after'), ++failures);
        takeover();
        break;
      }
      without(pending, events);
      without(fresh, events);
      journal();
      addDropped(-given);
      failures = 0;
    }
    sending = false;
    if (pending.length) schedule(0); // events that came while the last batch was out, or the retry
  };

  // Delivery's own safety, whatever autotracks. Back online: retry now, not after the backoff.
  addEventListener('online', () => {
    retryAt = 0;
    schedule(0);
  });
  // The page hides: keep what is not confirmed in localStorage, and hand this page's events that
  // no beacon carried yet to one sendBeacon. They stay queued until confirmed.
  const hide = () => {
    if (off || durable) return; // (the durable outbox listens too)
    source.hidden();
    journaling = true;
    journal();
    if (fresh.length) beacon(body(source, fresh.splice(0)));
  };
  addEventListener('pagehide', hide);
  addEventListener('visibilitychange', () => visible() || hide()); // (from the document up to the window)
  // What earlier pages left in localStorage goes with the page's first batch, or alone.
  schedule(FLUSH_DELAY_MS);

  return {
    push(event) {
      if (durable) return durable.push(event);
      if (off) return;
      fresh = [...fresh.slice(1 - BEACON_EVENTS), event];
      pending.push(event);
      journal();
      // A full batch goes at once; otherwise within a second of the first waiting event.
      schedule(pending.length >= MAX_BATCH_EVENTS ? 0 : FLUSH_DELAY_MS);
    },
    flush,
    ready(fn) {
      if (durable) return durable.ready(fn);
      // Whoever reads the queue next finds this page's events: in localStorage, kept current from now on.
      journaling = true;
      journal();
      fn();
    },
    adopt(visitorId) {
      for (const e of pending) e.visitor_id = visitorId; // (the durable outbox's memory queue too)
    },
    stop() {
      off = true;
      clearTimeout(timer);
      durable?.stop();
      pending.length = fresh.length = 0;
    },
  };
}
