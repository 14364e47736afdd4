// What both outboxes (lite-outbox.ts on every page, outbox.ts once delivery needs more) share:
// the request body, which answers confirm a batch, how many events go in one, how long to wait,
// and the journal in localStorage that a hiding page leaves to the next.
import type { EventInput } from '../schema/events';
import { MAX_BATCH_BYTES, MAX_QUEUED_AGE_MS } from '../schema/limits';
import { JOURNAL_KEY, addDropped, attempt, load, remove, save } from './local';

/** POSTs a batch; rejects on network failure. */
export type Post = (body: string) => Promise<Response>;
/** Hands a batch to the browser to send after the page is gone; false when it refused. */
export type Beacon = (body: string) => boolean;

/** What an outbox asks of the tracker. */
export interface Source {
  /** The page hides: the final engagement report, before the beacon. */
  hidden(): void;
  /** Before a send: the visitor id another tab may have given the visitor. */
  sync(): void;
  /** The visitor's secret token (sent with every batch; the collector keeps the hash of the first). */
  readonly token: string;
}

/** What every outbox does. */
export interface Outbox {
  /** Queues an event and schedules a flush. */
  push(event: EventInput): void;
  flush(): Promise<void>;
  /** Runs `fn` once whoever reads the queue next finds this page's events: in localStorage (lite outbox), or in IndexedDB once it is open or found unusable (durable outbox). */
  ready(fn: () => void): void;
  /** Another tab gave the visitor another id: the events not sent yet carry it. */
  adopt(visitorId: string): void;
  /** Consent withdrawn: nothing more is queued or sent from this page. */
  stop(): void;
}

export const FLUSH_DELAY_MS = 1_000;
/** Events kept in localStorage at most (the oldest beyond are dropped and counted). */
const MAX_JOURNAL = 200;
/** A beacon carries the newest few only: it must stay far below the browser's 64 KB in-flight limit. */
export const BEACON_EVENTS = 20;

export const body = (source: Source, events: EventInput[], dropped?: number) =>
  JSON.stringify({ webdriver: navigator.webdriver, token: source.token, sent_at: Date.now(), dropped, events });

/** 2xx: stored. Other 4xx (bad request, unknown site, refused origin): no retry would help. 408, 429, 5xx and network failures (0) are retried. */
export const settled = (status: number) => status >= 200 && status < 500 && status !== 408 && status !== 429;

/** An event's length as JSON; Infinity when JSON cannot make it (a BigInt, a cycle): no batch can carry it. */
export const sizeOf = (event: EventInput): number => attempt(() => JSON.stringify(event).length) ?? Infinity;

/** How many of these events (at most all) fit in about MAX_BATCH_BYTES; at least one. */
export function fit(events: EventInput[]): number {
  let n = 0;
  for (let bytes = 0; n < events.length && ((bytes += sizeOf(events[n])) <= MAX_BATCH_BYTES || !n); ) n++;
  return n;
}

/** When to try again: as Retry-After says, or exponential backoff with full jitter, capped at a minute. */
export const retryTime = (retryAfter: string | null | undefined, failures: number) =>
  Date.now() + (+retryAfter! * 1000 || Math.random() * Math.min(60_000, 1000 * 2 ** failures));

/** A journal: this page's key in localStorage (tabs closed together hide at the same moment, and a shared key's read-and-write would lose one tab's events). */
export const journalKey = (id: string) => JOURNAL_KEY + id;

/** Writes a page's journal: what is pending now; beyond MAX_JOURNAL the oldest, counted when the journal is taken. */
export function writeJournal(key: string, pending: EventInput[]): void {
  if (pending.length) save(key, { events: pending.slice(-MAX_JOURNAL), dropped: Math.max(0, pending.length - MAX_JOURNAL) });
  else remove(key);
}

/** Takes the events earlier pages (or tabs) kept in localStorage; those older than the queue keeps are dropped and counted. */
export function takeJournals(): EventInput[] {
  const events: EventInput[] = [];
  const tooOld = Date.now() - MAX_QUEUED_AGE_MS;
  try {
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(JOURNAL_KEY)) continue;
      const kept = load(key);
      const list: EventInput[] = Array.isArray(kept?.events) ? kept.events : [];
      const fresh = list.filter((e) => e?.ts > tooOld);
      events.push(...fresh);
      addDropped((kept?.dropped | 0) + list.length - fresh.length);
      remove(key);
    }
  } catch {
    // no localStorage: nothing was kept there
  }
  return events;
}
