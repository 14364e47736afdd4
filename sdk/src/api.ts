// The public API: `linger(command, ...args)`. Commands given before the tracker is ready
// (the IndexedDB open, or consent) wait in order and run once it is.
import type { EventName, EventProps } from '../schema/events';
import { autotrack } from './autotrack';
import { Outbox } from './outbox';
import { openStore } from './store';
import { Tracker } from './tracker';

export interface Config {
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
}

export type Command =
  | ['init', Config]
  | ['track', EventName, EventProps?]
  | ['page']
  | ['consent', boolean]
  | ['visitor', (id: string) => void];

export function createLinger(scriptSrc?: string) {
  let tracker: Tracker | undefined;
  let config: Config | undefined;
  let consent = false;
  let started = false;
  /** Tracking is off for this page: Do-Not-Track, or consent refused. */
  let off = false;
  const waiting: Command[] = [];
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };

  async function start({ site, endpoint, autotrack: auto }: Config) {
    const url = `${endpoint ?? new URL('/v1/collect', scriptSrc ?? location.href)}?site=${encodeURIComponent(site)}`;
    const store = await openStore();
    const outbox = new Outbox(
      store,
      {
        post: (body) =>
          fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'content-type': 'text/plain' } }).then(
            (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') }),
          ),
        beacon: (body) => nav.sendBeacon(url, body),
      },
      () => ({ webdriver: nav.webdriver || undefined }),
    );
    tracker = await Tracker.start(store, outbox);
    if (auto !== false) autotrack(tracker, () => outbox.resume());
    outbox.flush(); // events left by earlier pages
    waiting.splice(0).forEach(run);
  }

  function run(cmd: Command) {
    const [name, arg, props] = cmd;
    if (name === 'init') {
      config = arg as Config;
      off ||= !!config.respectDoNotTrack && !!(nav.globalPrivacyControl || nav.doNotTrack === '1');
    } else if (name === 'consent') {
      off ||= !(consent = arg as boolean); // refused or withdrawn: track nothing more on this page
    } else if (!tracker) {
      waiting.push(cmd);
    } else if (!off) {
      if (name === 'track') tracker.track(arg as EventName, props);
      if (name === 'page') tracker.page();
      if (name === 'visitor') (arg as (id: string) => void)(tracker.visitorId);
    }
    if (off) waiting.length = 0;
    else if (config && !started && (consent || !config.requireConsent)) (started = true), start(config);
  }

  return (...cmd: Command) => run(cmd);
}
