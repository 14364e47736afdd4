import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { fail } from './http';
import { isAllowedOrigin } from './sites';

/**
 * CORS for the collect endpoint, per site. Every answer to a browser names its Origin so the
 * SDK can read even error statuses (and stop retrying what will never succeed); only origins
 * in the site's allowlist get past this point. Requests without Origin (servers, beacons from
 * the same origin) pass. Put after `requireSite`.
 */
export const siteCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('origin');
  if (origin) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin');
    if (!isAllowedOrigin(c.get('site'), origin)) {
      return fail(c, 403, `origin ${origin.slice(0, 200)} is not allowed for site "${c.get('site').key}"`);
    }
  }
  if (c.req.method === 'OPTIONS') {
    c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '86400');
    return c.body(null, 204);
  }
  await next();
});

/** Lets a browser read errors that happen before the site is known (e.g. an unknown key). */
export const exposeErrors = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const origin = c.req.header('origin');
  if (origin && !c.res.headers.has('Access-Control-Allow-Origin')) {
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.append('Vary', 'Origin');
  }
});
