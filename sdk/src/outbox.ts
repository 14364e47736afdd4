// Delivery that loses nothing: every event is written to the durable queue first and leaves
// it only when the collector has answered 2xx (or a 4xx that no retry can fix). Batches go
// out by fetch(keepalive); on page hide this page's unconfirmed events also go by sendBeacon
// and stay queued, because a beacon is never confirmed: the collector's dedupe on event_id
// makes the later resend harmless.
import type { EventInput } from '../schema/events';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../schema/limits';
import type { Store } from './store';

export interface Transport {
  /** POSTs a batch; resolves with the status (and Retry-After header), rejects on network failure. */
  post(body: string): Promise<{ status: number; retryAfter?: string | null }>;
  /** Hands a batch to the browser to send after the page is gone; false when it refused. */
  beacon(body: string): boolean;
}

const FLUSH_DELAY_MS = 1_000;
const BEACON_EVENTS = 20;
const MAX_BACKOFF_MS = 60_000;

export class Outbox {
  /** Events of this page not yet confirmed, for the beacon on hide. */
  #unconfirmed: EventInput[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending timer fires. */
  #due = 0;
  /** Events queued since the last drain began. */
  #waiting = 0;
  #retryAt = 0;
  #failures = 0;
  #draining = false;

  readonly #store: Store;
  readonly #transport: Transport;
  readonly #meta: () => Record<string, unknown>;

  constructor(store: Store, transport: Transport, meta: () => Record<string, unknown> = () => ({})) {
    this.#store = store;
    this.#transport = transport;
    this.#meta = meta;
  }

  /** Queues an event durably and schedules a flush. */
  async push(event: EventInput): Promise<void> {
    // The newest few only: a beacon must stay far below the browser's 64 KB in-flight limit.
    this.#unconfirmed = [...this.#unconfirmed.slice(1 - BEACON_EVENTS), event];
    await this.#store.add(event);
    // A full batch goes at once; otherwise within a second of the first waiting event.
    this.schedule(++this.#waiting >= MAX_BATCH_EVENTS ? 0 : FLUSH_DELAY_MS);
  }

  /** The network is back: retry now instead of waiting out the backoff. */
  resume(): void {
    this.#retryAt = 0;
    this.schedule(0);
  }

  /** Flushes after `ms`, unless a flush is already due sooner. */
  schedule(ms: number): void {
    const due = Math.max(Date.now() + ms, this.#retryAt);
    if (this.#timer && this.#due <= due) return;
    clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, due - Date.now());
  }

  /** Sends queued events until the queue is empty or the collector cannot take more now. */
  async flush(): Promise<void> {
    if (this.#draining || !navigator.onLine) return; // a drain running takes new events too; `online` resumes
    if (Date.now() < this.#retryAt) return this.schedule(0);
    this.#draining = true;
    this.#waiting = 0;
    try {
      // One tab drains the shared queue at a time; the others find the lock taken and skip.
      const locks = navigator.locks;
      if (locks) await locks.request('linger-outbox', { ifAvailable: true }, (lock) => lock && this.#drain());
      else await this.#drain();
    } finally {
      this.#draining = false;
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      const { keys, events } = await this.#store.peek(MAX_BATCH_EVENTS, MAX_BATCH_BYTES);
      if (!events.length) return;
      const dropped = (await this.#store.get<number>('dropped')) ?? 0;
      let status = 0;
      let retryAfter: string | null | undefined;
      try {
        ({ status, retryAfter } = await this.#transport.post(this.#body(events, dropped)));
      } catch {
        // network failure: status stays 0 and the batch is retried
      }
      // 2xx: stored. Other 4xx (bad request, unknown site, refused origin): no retry would help.
      if (status >= 200 && status < 500 && status !== 408 && status !== 429) {
        await this.#store.remove(keys);
        if (dropped) await this.#store.set('dropped', ((await this.#store.get<number>('dropped')) ?? 0) - dropped);
        const sent = new Set(events.map((e) => e.event_id));
        this.#unconfirmed = this.#unconfirmed.filter((e) => !sent.has(e.event_id));
        this.#failures = 0;
        continue;
      }
      this.#failures++;
      const wait = Number(retryAfter) * 1000 || Math.random() * Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#failures);
      this.#retryAt = Date.now() + wait;
      this.schedule(0);
      return;
    }
  }

  /**
   * On page hide: hands this page's unconfirmed events to sendBeacon in one batch. They stay
   * queued; older unconfirmed ones than the batch holds wait for the next page.
   */
  beacon(): void {
    if (this.#unconfirmed.length) this.#transport.beacon(this.#body(this.#unconfirmed, 0));
  }

  #body(events: EventInput[], dropped: number): string {
    return JSON.stringify({ ...this.#meta(), sent_at: Date.now(), dropped: dropped || undefined, events });
  }
}
