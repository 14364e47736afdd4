// The tracker core: who (visitor, session), where (page view), what (events), in order (seq).
// It knows nothing of the DOM's events; autotrack.ts feeds it.
import type { EventInput, EventName, EventProps } from '../schema/events';
import { MAX_BATCH_BYTES } from '../schema/limits';
import { engagedTime, visible } from './engagement';
import { randomHex, timeId } from './ids';
import { STATE_KEY, addDropped, attempt, load, save } from './local';
import { nextSession, utmOf, type Session } from './session';
import { cleanUrl } from './urls';

const HEARTBEAT_MS = 15_000;
/** A visitor id as timeId makes it. */
const ID = /^[0-9a-f]{32}$/;

export type Tracker = ReturnType<typeof createTracker>;

/**
 * Visitor id, session and sequence number, in localStorage: read at once on every page (no
 * waiting for IndexedDB), written synchronously (they survive a page that unloads right after
 * an event), and seen at once by the visitor's other tabs.
 */
interface State {
  visitor?: string;
  /** The visitor's secret: sent with batches and reads, it binds personalized reads to this browser. */
  token?: string;
  session?: Session;
  seq?: number;
}
const state = (): State => load(STATE_KEY) || {};

/**
 * `push` queues each event made; `adopt` is told when another tab gave the visitor another id;
 * `keepParams` are the shop's own query parameters to keep in recorded URLs.
 */
export function createTracker(push: (event: EventInput) => void, adopt: (visitorId: string) => void, keepParams?: string[]) {
  const s = state();
  let visitorId = ID.test(s.visitor!) ? s.visitor! : timeId();
  let token = ID.test(s.token!) ? s.token! : randomHex();
  save(STATE_KEY, { ...s, visitor: visitorId, token });
  let pageId = '';
  let pageUrl = '';
  let referrer = '';
  let engaged = engagedTime();
  /** Engaged ms of the current page already reported. */
  let reported = 0;
  let scrollDepth = 0;
  /** Consent withdrawn: no event is made from now on. */
  let off = false;

  /**
   * Two tabs of a new visitor opened at the same moment may each make an id: the one stored last
   * wins, and the events not sent yet carry it. Checked with every event and before every send.
   */
  const sync = () => {
    const s = state();
    if (s.visitor !== visitorId && ID.test(s.visitor!)) {
      token = ID.test(s.token!) ? s.token! : token;
      adopt((visitorId = s.visitor!));
    }
    return s;
  };

  const track = (name: EventName, props?: EventProps) => {
    if (off) return;
    const now = Date.now();
    if (!pageId) startPage(now);
    const s = sync();
    const session = nextSession(s.session, now, utmOf(pageUrl), timeId);
    const seq = (s.seq! | 0) + 1;
    save(STATE_KEY, { visitor: visitorId, token, session, seq });
    // The props are the page's: the event is queued as JSON makes it (a copy, which later changes
    // to them cannot reach). One that cannot be serialised (a BigInt, a cycle) or is larger than a
    // batch may be could never be sent, and would hold up the queue behind it: it is given up
    // here, alone, and counted in `dropped`.
    attempt(() => {
      const json = JSON.stringify({
        event_id: timeId(now),
        name,
        visitor_id: visitorId,
        session_id: session.id,
        page_id: pageId,
        seq,
        ts: now,
        url: pageUrl,
        referrer, // ("" for none: the collector stores none)
        title: document.title.slice(0, 300),
        utm: session.utm,
        props,
      });
      push(JSON.parse(json.slice(0, MAX_BATCH_BYTES + 1))); // (one larger than MAX_BATCH_BYTES, cut, is no JSON: it throws)
      return 1;
    }) || addDropped(1);
  };

  /** How far down the page the visitor has seen, in percent. (It reads layout: never while the page loads.) */
  const seen = () => {
    const depth = Math.round(((scrollY + innerHeight) / (document.documentElement.scrollHeight || 1)) * 100);
    scrollDepth = Math.max(scrollDepth, Math.min(100, depth));
  };

  /** Visitor input while the page is visible. */
  const active = () => {
    engaged.active(Date.now());
    seen();
  };

  const startPage = (now: number) => {
    referrer = pageUrl || (document.referrer && cleanUrl(document.referrer, keepParams));
    pageUrl = cleanUrl(location.href, keepParams);
    pageId = timeId(now);
    engaged = engagedTime();
    reported = scrollDepth = 0;
    if (visible()) engaged.active(now);
  };

  /**
   * Sends the page's cumulative engaged time when it grew by a second or more, or on a final
   * report when it grew at all: a second hide in a row (visibilitychange, then pagehide) makes none.
   */
  const reportEngagement = (final: boolean) => {
    const ms = Math.round(engaged.at(Date.now()));
    if (ms - reported < (final ? 1 : 1_000)) return;
    reported = ms;
    seen();
    track('user_engagement', { engaged_ms: ms, scroll_depth: scrollDepth, final });
  };

  const heartbeat = setInterval(() => visible() && reportEngagement(false), HEARTBEAT_MS);

  return {
    get visitorId() {
      return visitorId;
    },
    get token() {
      return token;
    },
    /** Records an event on the current page. */
    track,
    sync,
    active,
    /**
     * A new page view: closes the engagement of the previous one (single-page-app navigation).
     * True when none was made: consent was withdrawn.
     */
    page() {
      if (pageId) reportEngagement(true);
      startPage(Date.now());
      track('page_view');
      return off;
    },
    /** The page was hidden (tab switch, close, navigation): the page's engagement so far, as its final report. */
    hidden() {
      engaged.hidden(Date.now());
      reportEngagement(true);
    },
    /** Consent withdrawn: no event is made from now on. */
    stop() {
      off = true;
      clearInterval(heartbeat);
    },
  };
}
