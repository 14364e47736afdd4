import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { fail } from './http';
import { findSite } from './sites';

/** Resolves `?site=KEY` to the configured site; unknown or missing keys get 401. */
export const requireSite = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.query('site');
  if (!key) return fail(c, 401, 'missing site key: add ?site=YOUR_SITE_KEY');
  const site = await findSite(c.env.DB, key);
  if (!site) return fail(c, 401, `unknown site key "${key.slice(0, 64)}"`);
  c.set('site', site);
  await next();
});
