// The contract between the tracker and the slot renderer (sdk/src/render/), which the tracker
// loads lazily as a separate file only when the page declares `[data-linger-slot]` elements.
import type { EventName, EventProps } from '../schema/events';

/** The renderer's file, next to the tracker's: /sdk/linger-render.js (an ES module). */
export const RENDER_FILE = 'linger-render.js';

/** Items shown by a campaign, for the promotion fields of later cart and purchase events (localStorage). */
export const PROMO_KEY = 'linger:promo';

export interface RenderOptions {
  /** How long the default content may wait for a decision (default 800 ms). */
  decideTimeoutMs?: number;
  /** Origins creatives' images may come from (default: the page's and the collector's). */
  imageOrigins?: string[];
}

/** What the tracker hands the renderer's `render(host)` export. */
export interface RenderHost {
  site: string;
  /** The collector's base: its origin, and the path it is served under, if any (GET `${origin}/v1/decide`). */
  origin: string;
  visitorId: string;
  /** The visitor's secret token: decisions are given only to the visitor's own browser. Empty once consent is withdrawn: ask nothing more. */
  token: string;
  /** Records an event through the tracker (consent, queue and delivery included). */
  track(name: EventName, props?: EventProps): void;
  options: RenderOptions;
}
