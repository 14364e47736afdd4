// The tracker core: who (visitor, session), where (page view), what (events), in order (seq).
// It knows nothing of the DOM's events; autotrack.ts feeds it.
import type { EventInput, EventName, EventProps } from '../schema/events';
import { EngagedTime } from './engagement';
import { uuid7 } from './ids';
import type { Outbox } from './outbox';
import { nextSession, utmOf, type Session } from './session';
import type { Store } from './store';

const HEARTBEAT_MS = 15_000;
const STATE_KEY = 'linger:state';

export class Tracker {
  #pageId = '';
  #pageUrl = '';
  #referrer = '';
  #engaged = new EngagedTime();
  /** Engaged ms of the current page already reported. */
  #reported = 0;
  #scrollDepth = 0;

  readonly #outbox: Outbox;

  private constructor(readonly visitorId: string, outbox: Outbox) {
    this.#outbox = outbox;
    setInterval(() => this.#heartbeat(), HEARTBEAT_MS);
  }

  /** Loads (or creates) the anonymous visitor id. */
  static async start(store: Store, outbox: Outbox): Promise<Tracker> {
    let visitorId = await store.get<string>('visitor');
    if (!visitorId) await store.set('visitor', (visitorId = uuid7()));
    return new Tracker(visitorId, outbox);
  }

  /** Records an event on the current page. */
  track(name: EventName, props: EventProps = {}): EventInput {
    const now = Date.now();
    if (!this.#pageId) this.#startPage(now);
    // Session and sequence live in localStorage: its writes are synchronous, so they survive a
    // page that unloads right after this event, and the visitor's other tabs see them at once.
    const state: { session?: Session; seq?: number } = JSON.parse(localStorage.getItem(STATE_KEY) ?? '{}');
    const session = nextSession(state.session, now, utmOf(this.#pageUrl), uuid7);
    const seq = (state.seq ?? 0) + 1;
    localStorage.setItem(STATE_KEY, JSON.stringify({ session, seq }));
    const event: EventInput = {
      event_id: uuid7(now),
      name,
      visitor_id: this.visitorId,
      session_id: session.id,
      page_id: this.#pageId,
      seq,
      ts: now,
      url: this.#pageUrl,
      referrer: this.#referrer || undefined,
      title: document.title.slice(0, 300) || undefined,
      utm: session.utm,
      props,
    };
    this.#outbox.push(event);
    return event;
  }

  /** A new page view: closes the engagement of the previous one (single-page-app navigation). */
  page(): void {
    const now = Date.now();
    if (this.#pageId) this.#reportEngagement(true);
    this.#startPage(now);
    this.track('page_view');
  }

  /** Visitor input while the page is visible. */
  active(): void {
    this.#engaged.active(Date.now());
    const doc = document.documentElement;
    const depth = Math.round(((scrollY + innerHeight) / Math.max(doc.scrollHeight, 1)) * 100);
    this.#scrollDepth = Math.min(100, Math.max(this.#scrollDepth, depth));
  }

  /** The page was hidden (tab switch, close, navigation): report engagement, then beacon. */
  hidden(): void {
    this.#engaged.hidden(Date.now());
    this.#reportEngagement(true);
    this.#outbox.beacon();
  }

  #startPage(now: number): void {
    this.#referrer = this.#pageUrl || document.referrer;
    this.#pageUrl = location.href.split('#')[0];
    this.#pageId = uuid7(now);
    this.#engaged = new EngagedTime();
    this.#reported = 0;
    this.#scrollDepth = 0;
    if (document.visibilityState === 'visible') this.active();
  }

  #heartbeat(): void {
    if (document.visibilityState === 'visible') this.#reportEngagement(false);
  }

  /** Sends the page's cumulative engaged time when it grew by a second or more (or on a final report). */
  #reportEngagement(final: boolean): void {
    const ms = Math.round(this.#engaged.at(Date.now()));
    if (ms - this.#reported < (final ? 1 : 1_000)) return;
    this.#reported = ms;
    this.track('user_engagement', { engaged_ms: ms, scroll_depth: this.#scrollDepth, final });
  }
}
