// The public API: `linger(command, ...args)`. Commands given before the tracker can start
// (before `init`, or before consent when it is required) wait in order and run once it does.
import type { EventInput, EventName, EventProps } from '../schema/events';
import { autotrack, whenParsed } from './autotrack';
import { eraseBrowserData } from './erase';
import type { Outbox } from './batch';
import { createLiteOutbox } from './lite-outbox';
import { ITEMS_FILE } from './items';
import { PROMO_KEY, type RenderOptions } from './render-host';
import { load, STATE_KEY } from './local';
import { PROMO_FILE } from './promotions';
import { slotRenderer, type Importer } from './slots';
import type { Handover } from './outbox';
import { STORE_FILE } from './store';
import { createTracker, type Tracker } from './tracker';

export interface Config extends RenderOptions {
  /** The site key the collector knows the shop by. */
  site: string;
  /** The collect URL; default: /v1/collect on the origin the script was loaded from. */
  endpoint?: string;
  /** Hold everything (nothing stored, nothing sent) until `linger('consent', true)`. */
  requireConsent?: boolean;
  /** Track nothing for visitors whose browser sends Global Privacy Control or Do-Not-Track. */
  respectDoNotTrack?: boolean;
  /** Page views, engagement, clicks and data attributes automatically (default true). */
  autotrack?: boolean;
  /** The shop's own query parameters to keep in recorded URLs, beside utm_* and ad click ids. */
  keepParams?: string[];
}

export type Command =
  | ['init', Config]
  | ['track', EventName, EventProps?]
  | ['page']
  | ['consent', boolean]
  | ['visitor', (id: string) => void];

/** How long the page's first commands may wait for the promotion fields' file (linger-promo.js). */
const PROMO_WAIT_MS = 1_000;

/**
 * `scriptSrc`: the tracker's own URL (the default collector and the lazily loaded files sit
 * beside it: the slot renderer, the IndexedDB queue, the promotion fields). `importer` loads
 * those files (replaceable in tests).
 */
export function createLinger(scriptSrc?: string, importer: Importer = (url) => import(url)) {
  let tracker: Tracker | undefined;
  let outbox: Outbox | undefined;
  /** The page view is made: commands run at once. */
  let live = false;
  let config: Config | undefined;
  let consent = false;
  let started = false;
  /** Tracking is off for this page: Do-Not-Track, or consent refused or withdrawn. */
  let off = false;
  const waiting: Command[] = [];
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };

  function start(config: Config) {
    const base = scriptSrc ?? location.href;
    /** Loads one of the tracker's files beside its own. */
    const file = (name: string) => importer(new URL(name, base).href);
    // Beside the script's folder, so a collector served under a path of the shop's domain works too.
    const collect = new URL(config.endpoint ?? '../v1/collect', base);
    const url = `${collect}?site=${encodeURIComponent(config.site)}`;
    // Cart and purchase events carry the promotion their items were shown in: a file of its own,
    // loaded only for visitors who were shown one (the renderer's mark in localStorage) or may be
    // on this page (it has slots). Without it, events go without promotion context.
    let promote = (event: EventInput) => event;
    let promotions: Promise<unknown> | undefined;
    const loadPromotions = () => (promotions ||= file(PROMO_FILE).then((m) => (promote = m.promote), () => {}));
    const t = (tracker = createTracker((event) => o.push(promote(event)), (id) => o.adopt(id), config.keepParams));
    // A string body goes as text/plain: no CORS preflight. (Credentials as the browser's default:
    // none to another origin; a beacon to the same URL carries the same-origin cookies anyway.)
    const post = (body: string) => fetch(url, { method: 'POST', body, keepalive: true });
    const beacon = (body: string) => nav.sendBeacon(url, body);
    let tries = 0;
    const o = (outbox = createLiteOutbox(
      // The durable outbox and its IndexedDB queue: a file of its own, loaded when needed (a
      // failed load is tried again at the next need, under another URL: browsers keep a failed module).
      () =>
        file(STORE_FILE + (tries++ ? '?' + tries : '')).then(
          (m) => (from: Handover) => m.takeOver(post, beacon, t, from),
        ),
      post,
      beacon,
      t,
    ));
    const slots = slotRenderer(file, loadPromotions, () => ({
      site: config.site,
      origin: new URL('..', collect).href.slice(0, -1), // (it ends in /)
      visitorId: t.visitorId,
      // read at each ask: none once consent is withdrawn, so an exit overlay asks for no decision then
      get token() {
        return off ? '' : t.token;
      },
      track: (name, props) => run(['track', name, props]), // through the consent gate
      options: config, // decideTimeoutMs, imageOrigins
    }));
    const goLive = () => {
      if (off || live) return;
      live = true;
      if (config.autotrack !== false) autotrack(t, slots, () => file(ITEMS_FILE));
      else whenParsed(slots);
      waiting.splice(0).forEach(run);
    };
    // The page view in the next task: this one read the visitor's state (the page's first
    // localStorage access loads the origin's storage), and neither may be a long task. A visitor
    // who was shown a promotion: commands wait for its file (at most PROMO_WAIT_MS), so that
    // every cart event carries it.
    const shown = load(PROMO_KEY) && loadPromotions().then(goLive);
    setTimeout(goLive, shown ? PROMO_WAIT_MS : 0);
  }

  /** Consent refused or withdrawn: nothing more is made or sent from this page, and nothing is kept. */
  function withdraw() {
    off = true;
    tracker?.stop();
    outbox?.stop();
    eraseBrowserData();
  }

  function run(cmd: Command) {
    const [name, arg, props] = cmd;
    if (name === 'init') {
      config = arg as Config;
      off ||= !!config.respectDoNotTrack && !!(nav.globalPrivacyControl || nav.doNotTrack === '1');
    } else if (name === 'consent') {
      if (!(consent = arg as boolean)) withdraw();
    } else if (!live) {
      waiting.push(cmd);
    } else if (!off) {
      if (name === 'track') tracker!.track(arg as EventName, props);
      if (name === 'page') tracker!.page();
      // Whoever reads the queue next finds this page's events in it (localStorage, or IndexedDB once the durable outbox runs).
      if (name === 'visitor') outbox!.ready(() => !off && (arg as (id: string) => void)(tracker!.visitorId));
    }
    if (off) waiting.length = 0;
    // In a task of its own, so that the script's evaluation and the first events make no long task.
    else if (config && !started && (consent || !config.requireConsent)) (started = true), setTimeout(() => off || start(config!));
  }

  // Consent withdrawn in another tab erased the visitor's state: this page stops as that one did
  // (else its next event would write the state back, and the visitor be tracked again).
  addEventListener('storage', (e) => e.key === STATE_KEY && !e.newValue && withdraw());
  return (...cmd: Command) => run(cmd);
}
