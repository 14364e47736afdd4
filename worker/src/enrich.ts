// Server-side enrichment: what the collector adds to every event it stores.
// The raw IP address is never read here, nor stored anywhere.

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
 * Moves a client timestamp onto the server clock. `skew` is the receive time minus the
 * client clock at send time (latency included); the result never lies in the future.
 */
export function correctTimestamp(clientTs: number, skew: number, receivedAt: number): number {
  return Math.min(clientTs + skew, receivedAt);
}
