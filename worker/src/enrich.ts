// Server-side enrichment: what the collector adds to every event it stores.
// The raw IP address is never read here, nor stored anywhere.
import { MAX_CLOCK_SKEW_MS, MAX_EVENT_AGE_MS } from '../../sdk/schema/limits';

export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'bot';

const BOT_UA =
  /bot\b|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|pingdom|facebookexternalhit|embedly|preview|curl\/|wget\/|python-requests|python-urllib|go-http-client|okhttp|java\/|httpclient|axios\/|node-fetch|undici/i;

/** Known crawlers, monitors, HTTP libraries and headless browsers. */
export function isBotUserAgent(ua: string): boolean {
  return ua === '' || BOT_UA.test(ua);
}

/** A coarse device class from the user agent. */
export function deviceClass(ua: string): DeviceClass {
  if (isBotUserAgent(ua)) return 'bot';
  if (/iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(ua)) return 'mobile';
  return 'desktop';
}

/**
 * How far client clocks are trusted. The live collector uses `LIVE_CLOCK`; an import route for
 * backdated events can pass a wider window.
 */
export interface ClockRules {
  /** Largest correction applied to a batch (its sent_at against server time), either way. */
  maxSkewMs: number;
  /** Events older than this, after correction, are rejected. */
  maxAgeMs: number;
  /**
   * The caller vouches for the events' times (the admin import of history): each is stored as
   * received at its own time, as if it had been collected live then. A page's events are
   * received when they arrive, so nothing a page claims can date what the server recorded back
   * (campaigns/records.ts).
   */
  vouched?: boolean;
}

export const LIVE_CLOCK: ClockRules = { maxSkewMs: MAX_CLOCK_SKEW_MS, maxAgeMs: MAX_EVENT_AGE_MS };

/**
 * The batch's clock correction: receive time minus the client clock at send time (offset plus
 * latency), bounded, so a wild `sent_at` cannot move events by more than `maxSkewMs`.
 */
export function clockSkew(sentAt: number | undefined, receivedAt: number, rules: ClockRules = LIVE_CLOCK): number {
  if (sentAt === undefined) return 0;
  return Math.max(-rules.maxSkewMs, Math.min(rules.maxSkewMs, receivedAt - sentAt));
}

/**
 * Moves a client timestamp onto the server clock: a time in the future becomes the receive
 * time; one older than `maxAgeMs` is refused with the reason.
 */
export function serverTime(clientTs: number, skew: number, receivedAt: number, rules: ClockRules = LIVE_CLOCK): { ts: number } | { error: string } {
  const ts = Math.min(clientTs + skew, receivedAt);
  if (receivedAt - ts > rules.maxAgeMs) {
    return { error: `ts: the event is more than ${Math.round(rules.maxAgeMs / 86_400_000)} days old (after clock correction), too old to accept` };
  }
  return { ts };
}
