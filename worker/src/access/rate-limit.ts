// Rate limits per site key, per visitor and per salted IP hash: fixed one-minute windows counted
// in the isolate's memory, so a limited request costs no I/O and the collector's hot path stays
// fast. On Cloudflare each isolate counts on its own, so a limit is per machine, not global: it
// stops floods and scripted bursts, which is its job. Requests over a limit get 429 and
// Retry-After, which the SDK honours (it keeps the events and sends them later).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { ipHash, isLoopback } from '../privacy/ip-hash';

const WINDOW_MS = 60_000;
const MAX_KEYS = 100_000;
type Window = { start: number; count: number };
/**
 * The counters, one map per kind of key (its prefix before `|`: `s` shop, `i` address, `v`
 * visitor), each bounded on its own: a flood of made-up visitor ids (a batch names up to 500)
 * can only start the visitors' counts over, never an address's or the shop's.
 */
const windows = new Map<string, Map<string, Window>>();

/** Counts one request against `key`; false when it is over `max` in the current minute. */
export function take(key: string, max: number, now = Date.now()): boolean {
  const start = now - (now % WINDOW_MS);
  const kind = key.slice(0, key.indexOf('|') + 1);
  let counts = windows.get(kind);
  if (!counts) windows.set(kind, (counts = new Map()));
  let w = counts.get(key);
  if (!w || w.start !== start) {
    if (counts.size >= MAX_KEYS) for (const [k, old] of counts) if (old.start !== start) counts.delete(k);
    if (counts.size >= MAX_KEYS) counts.clear(); // a flood of distinct keys of this kind: start over rather than grow
    counts.set(key, (w = { start, count: 0 }));
  }
  return ++w.count <= max;
}

/** Seconds until the current window ends. */
export const secondsLeft = (now = Date.now()) => Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000);

export function resetRateLimits() {
  windows.clear();
}

/**
 * The limits of the site (`site.settings.rateLimits`) on this request: the site as a whole, the
 * caller's IP hash (loopback addresses are exempt, so local load tests measure the collector),
 * and the visitor named in `?visitor=` or by `visitorOf`. Put after `requireSite`.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const site = c.get('site');
  const limits = site.settings.rateLimits;
  const now = Date.now();
  const ip = c.req.header('cf-connecting-ip') ?? '';
  if (ip && !isLoopback(ip)) c.set('ipHash', await ipHash(c.env.DB, site.key, ip, now));
  const hash = c.get('ipHash');
  const visitor = c.req.query('visitor');
  // The shop's count last: a request refused for its address or visitor is not counted against
  // the shop, so one client flooding cannot use up the limit of everyone else.
  const over =
    (hash && !take(`i|${site.key}|${hash}`, limits.ipPerMinute, now) && 'address') ||
    (visitor && !take(`v|${site.key}|${visitor}`, limits.visitorPerMinute, now) && 'visitor') ||
    (!take(`s|${site.key}`, limits.sitePerMinute, now) && 'site');
  if (over) {
    c.header('Retry-After', String(secondsLeft(now)));
    return fail(c, 429, `too many requests for this ${over}; retry later`);
  }
  await next();
});
