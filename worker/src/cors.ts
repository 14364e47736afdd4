import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { fail } from './http';
import { isAllowedOrigin } from './sites';

/**
 * CORS per site. Only origins in the site's allowlist are named in Access-Control-Allow-Origin
 * (so the SDK can read our answers, errors and Retry-After included); any other Origin gets
 * 403 and no CORS header. Requests without Origin (servers, same-origin beacons) pass.
 * Put after `requireSite`.
 */
export const siteCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('origin');
  const site = c.get('site');
  if (origin) {
    if (!isAllowedOrigin(site, origin)) return fail(c, 403, `this origin is not allowed for site "${site.key}"`);
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', 'Retry-After');
    c.header('Vary', 'Origin');
  }
  if (c.req.method === 'OPTIONS') {
    c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  }
  await next();
});

/**
 * Personalized reads answer only pages of the shop: an allowed Origin, or for same-origin GETs
 * (which carry no Origin) a Referer from an allowed origin. Put after `siteCors`.
 */
export const requirePageOrigin = createMiddleware<AppEnv>(async (c, next) => {
  let origin = c.req.header('origin');
  if (!origin) {
    try {
      origin = new URL(c.req.header('referer') ?? '').origin;
    } catch {
      origin = undefined;
    }
  }
  if (!origin || !isAllowedOrigin(c.get('site'), origin)) {
    return fail(c, 403, 'personalized content is served only to pages of an allowed origin');
  }
  await next();
});

/**
 * Keeps the CORS header on answers made after an error (the error handler builds a new
 * response), for allowed origins only. Put first.
 */
export const exposeErrors = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const origin = c.req.header('origin');
  const site = c.get('site');
  if (origin && site && isAllowedOrigin(site, origin) && !c.res.headers.has('Access-Control-Allow-Origin')) {
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.append('Vary', 'Origin');
  }
});
