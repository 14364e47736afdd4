// Delivery that loses nothing, once delivery needs more than the lite outbox does (a delivery
// failed or the browser is offline, or an earlier page left events in IndexedDB): this file
// is part of linger-store.js, which the tracker loads then, and it takes over the lite outbox's
// queue. An event is kept until the collector has answered 2xx, or a 4xx that no retry can fix.
// When the page hides, what is not confirmed and not in IndexedDB is written to localStorage,
// whose writes are synchronous and so survive the unload, and the next page sends it; this page's
// new events also go out once by sendBeacon. A beacon is never confirmed, so they stay queued and
// are sent again: the collector's dedupe on event_id makes that harmless. From the takeover on,
// the page's events go into IndexedDB, the queue the visitor's tabs share. Without IndexedDB the
// queue stays in memory and localStorage.
import type { EventInput } from '../schema/events';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_QUEUED_AGE_MS } from '../schema/limits';
import {
  BEACON_EVENTS,
  FLUSH_DELAY_MS,
  body as bodyOf,
  fit,
  journalKey,
  retryTime,
  settled as accepted,
  sizeOf,
  takeJournals,
  writeJournal,
  type Beacon,
  type Outbox,
  type Post,
  type Source,
} from './batch';
import { timeId } from './ids';
import { IDB_USED_KEY, addDropped, dropped, load, remove, save } from './local';
import { memoryStore, without, type Key, type Store } from './store';

export type { Beacon, Outbox, Post, Source };

/** An IndexedDB that neither opens nor fails within this long counts as unavailable. */
const OPEN_TIMEOUT_MS = 3_000;

/** The lite outbox's state, handed over when this one takes over. */
export interface Handover {
  pending: EventInput[];
  fresh: EventInput[];
  /** The page's journal key in localStorage. */
  key: string;
  /** The page has hidden once: the journal is kept up to date from now on. */
  journaling: boolean;
  retryAt: number;
}

/** `open` opens IndexedDB. */
export function createOutbox(open: () => Promise<Store>, post: Post, beacon: Beacon, source: Source, from?: Handover): Outbox {
  /** Events not in IndexedDB: unconfirmed ones in memory, or being written to IndexedDB. */
  const pending = from?.pending ?? takeJournals();
  /** This page's journal in localStorage. */
  const own = from?.key ?? journalKey(timeId());
  let journaling = !!from?.journaling;
  const journal = () => journaling && writeJournal(own, pending);
  /** This page's newest events, neither confirmed nor handed to a beacon yet. */
  let fresh: EventInput[] = from?.fresh ?? [];
  let store = memoryStore(pending);
  /** The store is IndexedDB (shared by the tabs), not memory. */
  let durable = false;
  let opened: Promise<void> | undefined;
  /** The attempt to open IndexedDB is over (whatever came of it). */
  let settled = false;
  /** Events per batch: halved while the collector fails batches with 5xx, to isolate an event it cannot take. */
  let limit = MAX_BATCH_EVENTS;
  /** How many events at the head of the queue failed alone with a 5xx: skipped until another batch gets through. */
  let aside = 0;
  /** A batch got through since the last one was set aside. */
  let proven = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending timer fires. */
  let due = 0;
  /** Events queued since the last drain began. */
  let waiting = 0;
  let retryAt = from?.retryAt ?? 0;
  let failures = 0;
  let draining = false;
  /** Consent withdrawn: nothing more is queued or sent. */
  let off = false;

  const inMemory = () => {
    store = memoryStore(pending);
    durable = false;
  };

  /**
   * Marks IndexedDB as holding events: later pages open it to send what it holds. (A drain that
   * finds it empty clears the mark: see `drain`.)
   */
  const mark = () => save(IDB_USED_KEY, 1);

  /** Writes events to IndexedDB; once it holds them they are no longer pending. */
  const keep = (events: EventInput[]) => {
    const kept = [...events];
    if (!kept.length) return;
    mark(); // before the write: a page that unloads meanwhile leaves its mark
    store.add(kept).then(() => {
      mark(); // and after it: another tab may have cleared the mark in between
      without(pending, kept);
      journal();
    }, inMemory); // full or broken: the queue stays in memory instead
  };

  /** Opens IndexedDB (once) and moves the waiting events into it. */
  const ready = () =>
    (opened ||= Promise.race([open(), new Promise<never>((_, fail) => setTimeout(fail, OPEN_TIMEOUT_MS))])
      .then((s) => {
        store = s;
        durable = true;
        aside = 0; // (counted in the other queue)
        keep(pending);
      }, inMemory)
      .then(() => void (settled = true)));

  /** Flushes after `ms`, unless a flush is already due sooner. */
  const schedule = (ms: number) => {
    const at = Math.max(Date.now() + ms, retryAt);
    if (off || (timer && due <= at)) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = undefined;
      flush();
    }, at - Date.now());
  };

  const body = (events: EventInput[], dropped?: number) => bodyOf(source, events, dropped);

  /** These events left the queue: sent, refused for good, or given up. */
  const done = async (s: Store, keys: Key[], events: EventInput[]) => {
    await s.remove(keys);
    journal();
    const ids = events.map((e) => e.event_id);
    fresh = fresh.filter((e) => !ids.includes(e.event_id));
  };

  const drain = async () => {
    const s = store;
    while (!off) {
      // Once another batch got through, the first event set aside is tried alone once more.
      const retry = proven && aside > 0;
      const skip = retry ? 0 : aside;
      const peeked = await s.peek(skip + (retry ? 1 : limit));
      const keys = peeked.keys.slice(skip);
      const events = peeked.events.slice(skip);
      if (!events.length) {
        if (aside) {
          aside = 0; // nothing else to try them against: from the start again
          continue;
        }
        // The queue is empty: later pages need not open IndexedDB (nor load this file), so the
        // mark goes. Another tab may be writing events meanwhile. The mark is cleared before a
        // last look: a write that completed before the look is seen here (the mark is put back,
        // and the drain goes on); one that completes after it puts the mark back itself (`keep`
        // marks after each write). Either way the events stay marked, and the tab that wrote them
        // goes on draining as long as it is open.
        if (durable && store === s && !pending.length && load(IDB_USED_KEY)) {
          remove(IDB_USED_KEY);
          if ((await s.peek(1)).events.length) {
            mark();
            continue;
          }
        }
        return;
      }
      // Events older than the queue keeps are dropped and counted (the oldest come first), and so
      // is one no batch can carry: larger than a batch may be, or not serialisable (queued by an
      // earlier version of the tracker, which did not check events as it made them). The events
      // after it go on.
      const tooOld = Date.now() - MAX_QUEUED_AGE_MS;
      let n = 0;
      while (n < events.length && !(events[n].ts > tooOld && sizeOf(events[n]) <= MAX_BATCH_BYTES)) n++;
      if (n) {
        await done(s, keys.slice(0, n), events.slice(0, n));
        addDropped(n);
        continue;
      }
      keys.length = events.length = n = fit(events);
      const given = dropped();
      let status = 0;
      let retryAfter: string | null = null;
      try {
        const res = await post(body(events, given));
        status = res.status;
        retryAfter = res.headers.get('retry-after');
      } catch {
        // network failure: status stays 0 and the batch is retried
      }
      if (off) return;
      if (status == 400 && given) {
        // A 400 is about the batch's own fields (the collector answers 202 for a batch with
        // events it refuses), and of those the dropped count is the one a page's script can spoil
        // (it is in localStorage): forgotten, and the events go again. (A 400 without it: no
        // retry would help, and the batch is given up, as any other 4xx.)
        addDropped(-given);
        continue;
      }
      if (accepted(status)) {
        await done(s, keys, events);
        addDropped(-given);
        if (retry) aside = 0; // it went through: the others set aside were unlucky too
        proven = true;
        limit = Math.min(MAX_BATCH_EVENTS, limit * 2);
        failures = 0;
        continue;
      }
      ready(); // delivery waits: keep the events where the next pages find them
      // A 5xx without Retry-After may be an event the collector cannot take: find it, and give up on it.
      if (status >= 500 && !retryAfter) {
        if (retry) {
          // It failed alone again while others got through.
          await done(s, keys, events);
          addDropped(1);
          aside--;
          continue;
        }
        if (n > 1) {
          limit = Math.ceil(n / 2); // split the batch, and try its first half soon
          retryAt = Date.now() + FLUSH_DELAY_MS;
          return schedule(0);
        }
        aside++; // set it aside: the next try is the events after it
        proven = false;
      }
      retryAt = retryTime(retryAfter, ++failures);
      return schedule(0);
    }
  };

  /** Sends queued events until the queue is empty or the collector cannot take more now. */
  const flush = async (): Promise<void> => {
    if (off || draining) return; // a drain running takes new events too
    // Offline, delivery waits (`online` resumes it): the events go where the next pages find them.
    if (!navigator.onLine) return void ready();
    if (Date.now() < retryAt) return schedule(0);
    draining = true;
    waiting = 0;
    source.sync();
    try {
      if (opened || load(IDB_USED_KEY)) await ready(); // earlier pages may have left events there
      // One tab drains the shared queue at a time; the others find the lock taken and look again later.
      const locks = durable && navigator.locks;
      if (locks) await locks.request('linger-outbox', { ifAvailable: true }, (lock) => (lock ? drain() : schedule(FLUSH_DELAY_MS)));
      else await drain();
    } catch {
      // IndexedDB failed (closed by another tab's erase, or broken): go on from memory
      inMemory();
      schedule(FLUSH_DELAY_MS);
    } finally {
      draining = false;
      // Events queued meanwhile may have reached IndexedDB after the drain last looked.
      if (waiting) schedule(waiting >= MAX_BATCH_EVENTS ? 0 : FLUSH_DELAY_MS);
    }
  };

  // Delivery's own safety, whatever autotracks. Back online: retry now, not after the backoff.
  addEventListener('online', () => {
    retryAt = 0;
    schedule(0);
  });
  // The page hides: keep what IndexedDB does not hold yet in localStorage, and hand this page's
  // events that no beacon carried yet to one sendBeacon. They stay queued until confirmed.
  const hide = () => {
    if (off) return;
    source.hidden();
    journaling = true;
    journal();
    if (fresh.length) beacon(body(fresh.splice(0)));
  };
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && hide());
  // What earlier pages left (in localStorage, or IndexedDB) goes with the page's first batch, or
  // alone; after a takeover, the lite outbox's queue goes now (or when Retry-After allows).
  schedule(from ? 0 : FLUSH_DELAY_MS);
  // Taking over from the lite outbox: delivery waits, or IndexedDB holds events, or it was asked for.
  if (from) void ready();

  return {
    /** Queues an event and schedules a flush. */
    push(event: EventInput) {
      if (off) return;
      fresh = [...fresh.slice(1 - BEACON_EVENTS), event];
      pending.push(event);
      if (durable) keep([event]);
      // A full batch goes at once; otherwise within a second of the first waiting event.
      schedule(++waiting >= MAX_BATCH_EVENTS ? 0 : FLUSH_DELAY_MS);
    },
    flush,
    /** Runs `fn` once IndexedDB is open (or found unusable), and this page's events are in it: at once if they are. */
    ready(fn: () => void) {
      if (settled) fn();
      else ready().then(fn);
    },
    /** Another tab gave the visitor another id: the events not sent yet carry it. */
    adopt(visitorId: string) {
      for (const e of pending) e.visitor_id = visitorId;
    },
    /** Consent withdrawn: nothing more is queued or sent from this page. */
    stop() {
      off = true;
      clearTimeout(timer);
      pending.length = fresh.length = 0;
    },
  };
}
